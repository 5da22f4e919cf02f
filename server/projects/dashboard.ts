import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { formatLocalShort } from '../shared/dates.js';
import { committedVenueCents } from '../venues/index.js';
import { projectBudgetDashboard } from '../grant-reports/index.js';
import { assertProjectInScope, auditorScope } from '../grants/index.js';
import type { Acting } from '../shared/acting.js';
import { getProject } from './repo.js';
import { consentedProfiles, projectAttendance, projectSessions } from './dashboard-repo.js';
import {
  DIMENSION_LABELS,
  TARGET_VALUES,
  VALUE_LABELS,
  type ProjectDashboardView,
  type TargetDimension,
} from './schemas.js';

/** Groups smaller than this are not shown, so that nobody can be recognised. */
export const MIN_GROUP_SIZE = 5;

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
  const sessions = await projectSessions(deps.db, projectId);
  const rows = await projectAttendance(deps.db, projectId);
  const bySession = new Map<string, { session_id: string; participant_id: string; status: string }[]>();
  for (const r of rows) bySession.set(r.session_id, [...(bySession.get(r.session_id) ?? []), r]);

  const sessionStats = sessions.map((s) => {
    const people = bySession.get(s.id) ?? [];
    const expected = people.filter((p) => p.status !== 'declined').length;
    const attended = people.filter((p) => p.status === 'attended').length;
    return {
      id: s.id,
      title: s.title,
      startsAt: s.starts_at.toISOString(),
      startLocal: formatLocalShort(s.starts_at, settings.timeZone),
      status: s.status,
      expected,
      attended,
      attendanceRate: s.status === 'cancelled' ? null : percent(attended, expected),
    };
  });

  const attendedSets = sessions
    .filter((s) => s.status !== 'cancelled')
    .map((s) => ({
      s,
      ids: new Set((bySession.get(s.id) ?? []).filter((p) => p.status === 'attended').map((p) => p.participant_id)),
    }))
    .filter((x) => x.ids.size > 0);
  const first = attendedSets[0];
  const attrition = first
    ? attendedSets.map(({ s, ids }) => ({
        sessionId: s.id,
        title: s.title,
        startLocal: formatLocalShort(s.starts_at, settings.timeZone),
        retained: [...first.ids].filter((id) => ids.has(id)).length,
        retainedPercent: percent([...first.ids].filter((id) => ids.has(id)).length, first.ids.size),
      }))
    : [];

  const profiles = await consentedProfiles(deps.db, projectId);
  const composition = (Object.keys(TARGET_VALUES) as TargetDimension[]).map((dimension) => {
    const answered = profiles.filter((p) => p[dimension]);
    return {
      dimension,
      label: DIMENSION_LABELS[dimension],
      answered: answered.length >= MIN_GROUP_SIZE ? answered.length : null,
      groups: TARGET_VALUES[dimension].map((value) => {
        const count = answered.filter((p) => p[dimension] === value).length;
        const shown = count >= MIN_GROUP_SIZE && answered.length >= MIN_GROUP_SIZE;
        const target = project.targets.find((t) => t.dimension === dimension && t.value === value);
        return {
          value,
          label: VALUE_LABELS[value] ?? value,
          count: shown ? count : null,
          percent: shown ? percent(count, answered.length) : null,
          targetPercent: target?.percent ?? null,
        };
      }),
    };
  });

  const totalExpected = sessionStats.reduce((s, x) => s + (x.status === 'held' ? x.expected : 0), 0);
  const totalAttended = sessionStats.reduce((s, x) => s + (x.status === 'held' ? x.attended : 0), 0);
  return {
    projectId,
    sessions: sessionStats,
    overallAttendanceRate: percent(totalAttended, totalExpected),
    attrition,
    composition,
    minGroupSize: MIN_GROUP_SIZE,
    venueCosts: scope
      ? null
      : { committedCents: await committedVenueCents(deps.db, projectId), plannedCents: project.budget.venue ?? 0 },
    budget: scope ? null : await projectBudgetDashboard(deps, acting, { projectId }),
    auditorBudget: scope ? await projectBudgetDashboard(deps, acting, { projectId, scope }) : null,
  };
}
