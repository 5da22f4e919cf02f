import type { Deps } from '../shared/deps.js';
import type { Acting } from '../shared/acting.js';
import { computeProjectMoneyFigures, FIGURES_MAX_AGE_MS, type ProjectMoneyFigures } from '../grant-reports/index.js';
import { consentedProfileCounts, overallAttendance } from './dashboard-repo.js';
import { readProjectFigures, saveProjectFigures, staleProjectIds } from './figures-repo.js';

/**
 * The figures of a whole project that no rollup can keep, computed in the background (a job
 * refreshes those older than 30 minutes) or when staff ask: attendance over every held
 * session, the panel's profiles (consented only, per combination of answers: the dashboard
 * hides groups under 5), and the money figures (distinct people who attended, time to money).
 */
export interface ProjectFigures {
  overall: { expected: number; attended: number };
  profiles: Awaited<ReturnType<typeof consentedProfileCounts>>;
  money: ProjectMoneyFigures;
}

/** Recomputes and stores a project's figures (over a second for the biggest at scale 1). */
export async function refreshProjectFigures(deps: Deps, acting: Acting, projectId: string) {
  const figures: ProjectFigures = {
    overall: await overallAttendance(deps.db, projectId),
    profiles: await consentedProfileCounts(deps.db, projectId),
    money: await computeProjectMoneyFigures(deps, acting, projectId),
  };
  await saveProjectFigures(deps.db, projectId, acting.now, figures);
  return { figures, computedAt: acting.now };
}

/** A project's stored figures, computed now the first time. */
export async function projectFigures(deps: Deps, acting: Acting, projectId: string) {
  const stored = await readProjectFigures<ProjectFigures>(deps.db, projectId);
  if (stored) return { figures: stored.figures, computedAt: new Date(stored.computed_at) };
  return refreshProjectFigures(deps, acting, projectId);
}

/** The job: recomputes the project figures older than 30 minutes, a few per run. */
export async function refreshStaleProjectFigures(deps: Deps, acting: Acting, limit = 5): Promise<number> {
  const ids = await staleProjectIds(deps.db, new Date(acting.now.getTime() - FIGURES_MAX_AGE_MS), limit);
  for (const id of ids) await refreshProjectFigures(deps, acting, id);
  return ids.length;
}
