import type { Deps } from '../shared/deps.js';
import type { Acting } from '../shared/acting.js';
import { notFound } from '../shared/errors.js';
import {
  attendanceOf,
  claimDelays,
  getGrant,
  grantProjectIds,
  projectPeriod,
  type Attendance,
  type DayRange,
} from './repo.js';
import { readGrantFigures, saveGrantFigures, staleGrantIds } from './figures-repo.js';
import { percentile } from './rules.js';

// Figures of a whole grant or project that no rollup can keep: distinct people who attended
// (cost per person) and the time to money of every claim. They read every attendance and claim
// of the projects (over a second at scale 1), so the dashboards show them as computed in the
// background (`refreshStaleFigures`, a job) or when staff ask, with the time they were computed.

/** Figures older than this are recomputed by the job. */
export const FIGURES_MAX_AGE_MS = 30 * 60_000;

function delayStats(values: (number | null)[]) {
  const known = values.filter((v): v is number => v !== null);
  return { count: known.length, medianDays: percentile(known, 50), p90Days: percentile(known, 90) };
}

export interface ProjectMoneyFigures {
  attendance: Attendance;
  timeToMoney: {
    claims: number;
    toSubmission: ReturnType<typeof delayStats>;
    toDecision: ReturnType<typeof delayStats>;
    toPayment: ReturnType<typeof delayStats>;
  };
}

/**
 * The slow money figures of a project, computed now: attendance of its held sessions over its
 * period (cost per person and per hour) and the time to money of its claims (calendar days from
 * the end of the session to submission, decision and payment: median and 90th percentile,
 * nearest rank). The projects capability stores them with its other whole-project figures.
 */
export async function computeProjectMoneyFigures(
  deps: Deps,
  acting: Acting,
  projectId: string,
): Promise<ProjectMoneyFigures> {
  const settings = await acting.settings();
  const period = await projectPeriod(deps.db, projectId);
  if (!period) throw notFound('Projet');
  const attendance = await attendanceOf(
    deps.db,
    [projectId],
    period.starts_on,
    period.ends_on ?? '9999-12-31',
    settings.timeZone,
  );
  const delays = await claimDelays(deps.db, projectId, settings.timeZone);
  return {
    attendance,
    timeToMoney: {
      claims: delays.length,
      toSubmission: delayStats(delays.map((d) => d.to_submission)),
      toDecision: delayStats(delays.map((d) => d.to_decision)),
      toPayment: delayStats(delays.map((d) => d.to_payment)),
    },
  };
}

/** Attendance of a grant's projects over the days given (its period, or a scoped auditor's range within it). */
async function grantAttendance(deps: Deps, acting: Acting, grantId: string, from: string, to: string) {
  const settings = await acting.settings();
  return from <= to
    ? attendanceOf(deps.db, await grantProjectIds(deps.db, grantId), from, to, settings.timeZone)
    : { participants: 0, attendedMinutes: 0, sessionsHeld: 0, expected: 0, attended: 0 };
}

/** Recomputes and stores a grant's figures (attendance over its whole period). */
export async function refreshGrantFigures(deps: Deps, acting: Acting, grantId: string) {
  const grant = await getGrant(deps.db, grantId);
  if (!grant) throw notFound('Financement');
  const attendance = await grantAttendance(deps, acting, grantId, grant.period_start, grant.period_end);
  await saveGrantFigures(deps.db, grantId, acting.now, { attendance });
  return { attendance, computedAt: acting.now };
}

/**
 * The attendance behind a grant dashboard's cost per person: over the grant's period, its
 * stored figures (computed now the first time); over a scoped auditor's range, computed now
 * (`computedAt` null: live).
 */
export async function grantDashboardAttendance(
  deps: Deps,
  acting: Acting,
  grant: { id: string; period_start: string; period_end: string },
  range: DayRange | null,
): Promise<{ attendance: Pick<Attendance, 'participants' | 'attendedMinutes'>; computedAt: Date | null }> {
  if (range) {
    const from = range.from > grant.period_start ? range.from : grant.period_start;
    const to = range.to < grant.period_end ? range.to : grant.period_end;
    return { attendance: await grantAttendance(deps, acting, grant.id, from, to), computedAt: null };
  }
  const stored = await readGrantFigures(deps.db, grant.id);
  if (stored) return { attendance: stored.figures.attendance, computedAt: new Date(stored.computed_at) };
  return refreshGrantFigures(deps, acting, grant.id);
}

/** The job: recomputes the grant figures older than `FIGURES_MAX_AGE_MS`, a few per run. */
export async function refreshStaleGrantFigures(deps: Deps, acting: Acting, limit = 5): Promise<number> {
  const ids = await staleGrantIds(deps.db, new Date(acting.now.getTime() - FIGURES_MAX_AGE_MS), limit);
  for (const id of ids) await refreshGrantFigures(deps, acting, id);
  return ids.length;
}
