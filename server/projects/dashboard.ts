import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { formatLocalShort } from '../shared/dates.js';
import { committedVenueCents } from '../venues/index.js';
import { projectBudgetDashboard } from '../grant-reports/index.js';
import { assertProjectInScope, auditorScope } from '../grants/index.js';
import type { Acting } from '../shared/acting.js';
import { getProject } from './repo.js';
import {
  firstAttendedSession,
  recentSessionStats,
  retainedFrom,
  sessionCount,
  type SessionStatRow,
} from './dashboard-repo.js';
import { projectFigures } from './figures.js';
import {
  DIMENSION_LABELS,
  TARGET_VALUES,
  VALUE_LABELS,
  type ProjectDashboardView,
  type TargetDimension,
} from './schemas.js';

/** Groups smaller than this are not shown, so that nobody can be recognised. */
export const MIN_GROUP_SIZE = 5;

/** A session with its expected and attended counts, as the project page and dashboard show it. */
function presentSessionStat(s: SessionStatRow, timeZone: string) {
  return {
    id: s.id,
    title: s.title,
    startsAt: s.starts_at.toISOString(),
    startLocal: formatLocalShort(s.starts_at, timeZone),
    status: s.status,
    expected: s.expected,
    attended: s.attended,
    attendanceRate: s.status === 'cancelled' ? null : percent(s.attended, s.expected),
  };
}

/** Sessions a dashboard shows (the last ones by start); the sessions list has them all. */
export const RECENT_SESSIONS = 30;

const percent = (part: number, whole: number) => (whole ? Math.round((part * 100) / whole) : null);

/**
 * What a project lead watches: attendance per session, attrition (share of the first
 * session's attendees still attending), panel composition against target from consented
 * profiles only (groups under 5 hidden), committed venue costs, and the budget: planned vs
 * committed, actual and remaining per category, burn per month, forecast, cost per person and
 * per hour attended, and the time to money of its claims (server/grant-reports).
 *
 * An auditor limited to some grants and dates (server/grants scopes) gets, instead of the
 * budget and the venue costs (every expense and booking of the project, whatever funds it and
 * whenever), `auditorBudget`: their grants' parts of the project's expenses within their
 * range, the figures the project's row of their grant dashboard shows; a project none of
 * their grants funds is 404 to them.
 */
export async function projectDashboard(deps: Deps, acting: Acting, projectId: string): Promise<ProjectDashboardView> {
  const scope = await auditorScope(deps.db, acting);
  const settings = await acting.settings();
  const project = await getProject(deps.db, projectId);
  if (!project) throw notFound('Projet');
  await assertProjectInScope(deps.db, scope, projectId);
  const recent = await recentSessionStats(deps.db, projectId, RECENT_SESSIONS);
  const sessionStats = recent.map((s) => presentSessionStat(s, settings.timeZone));

  // Fidelity: the attendees of the first attended session, at that session and at each recent one.
  const first = await firstAttendedSession(deps.db, projectId);
  const shown = recent.filter((s) => s.status !== 'cancelled' && s.attended > 0 && s.id !== first?.id);
  const retained = first
    ? await retainedFrom(
        deps.db,
        first.id,
        shown.map((s) => s.id),
      )
    : new Map<string, number>();
  const attrition = first
    ? [
        { id: first.id, title: first.title, starts_at: first.starts_at, kept: first.attended },
        ...shown.map((s) => ({ id: s.id, title: s.title, starts_at: s.starts_at, kept: retained.get(s.id) ?? 0 })),
      ].map((s) => ({
        sessionId: s.id,
        title: s.title,
        startLocal: formatLocalShort(s.starts_at, settings.timeZone),
        retained: s.kept,
        retainedPercent: percent(s.kept, first.attended),
      }))
    : [];

  const { figures, computedAt } = await projectFigures(deps, acting, projectId);
  const composition = (Object.keys(TARGET_VALUES) as TargetDimension[]).map((dimension) => {
    const answered = figures.profiles.filter((p) => p[dimension]).reduce((n, p) => n + p.n, 0);
    return {
      dimension,
      label: DIMENSION_LABELS[dimension],
      answered: answered >= MIN_GROUP_SIZE ? answered : null,
      groups: TARGET_VALUES[dimension].map((value) => {
        const count = figures.profiles.filter((p) => p[dimension] === value).reduce((n, p) => n + p.n, 0);
        const shown = count >= MIN_GROUP_SIZE && answered >= MIN_GROUP_SIZE;
        const target = project.targets.find((t) => t.dimension === dimension && t.value === value);
        return {
          value,
          label: VALUE_LABELS[value] ?? value,
          count: shown ? count : null,
          percent: shown ? percent(count, answered) : null,
          targetPercent: target?.percent ?? null,
        };
      }),
    };
  });

  return {
    projectId,
    sessions: sessionStats,
    sessionCount: await sessionCount(deps.db, projectId),
    overallAttendanceRate: percent(figures.overall.attended, figures.overall.expected),
    attrition,
    composition,
    minGroupSize: MIN_GROUP_SIZE,
    figuresComputedAt: computedAt.toISOString(),
    venueCosts: scope
      ? null
      : { committedCents: await committedVenueCents(deps.db, projectId), plannedCents: project.budget.venue ?? 0 },
    budget: scope ? null : await projectBudgetDashboard(deps, acting, { projectId, money: figures.money }),
    auditorBudget: scope ? await projectBudgetDashboard(deps, acting, { projectId, scope }) : null,
  };
}

/** The project page's sessions: the last 30 by start with their counts, and how many there are in all. */
export async function projectRecentSessions(deps: Deps, acting: Acting, projectId: string) {
  const settings = await acting.settings();
  const rows = await recentSessionStats(deps.db, projectId, RECENT_SESSIONS);
  return {
    total: await sessionCount(deps.db, projectId),
    items: rows.map((s) => presentSessionStat(s, settings.timeZone)),
  };
}
