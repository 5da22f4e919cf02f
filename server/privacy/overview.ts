import type { Deps } from '../shared/deps.js';
import type { Acting } from '../shared/acting.js';
import { countDue, upcomingByMonth } from './lifecycle-repo.js';
import { readForecast, saveForecast } from './figures-repo.js';
import { listRetentionRuns, retentionPolicy } from './retention.js';
import { openRequests, watchedEventsSince } from './repo.js';
import { presentRequest, presentRun } from './presenter.js';
import { localDay } from '../shared/dates.js';

/** The forecast is recomputed when older than this (by the dashboard-figures job, or by a page if the job has not). */
export const FORECAST_MAX_AGE_MS = 30 * 60_000;

/** Recomputes and stores the retention forecast (people whose active period ends in each of the next 3 months). */
export async function refreshRetentionForecast(deps: Deps, acting: Acting) {
  const policy = await retentionPolicy(acting);
  const upcoming = await upcomingByMonth(deps.db, policy, acting.now, 3);
  await saveForecast(deps.db, acting.now, { upcoming });
  return { upcoming, upcomingComputedAt: acting.now.toISOString() };
}

/**
 * The retention forecast as stored, when it was computed for this month less than 30 minutes
 * ago (the job keeps it so); otherwise computed now.
 */
export async function retentionForecast(deps: Deps, acting: Acting) {
  const stored = await readForecast(deps.db);
  const age = stored ? acting.now.getTime() - new Date(stored.computed_at).getTime() : Infinity;
  const month = localDay(acting.now, (await acting.settings()).timeZone).slice(0, 7);
  if (stored && age >= 0 && age <= FORECAST_MAX_AGE_MS && stored.figures.upcoming[0]?.month === month)
    return { upcoming: stored.figures.upcoming, upcomingComputedAt: new Date(stored.computed_at).toISOString() };
  return refreshRetentionForecast(deps, acting);
}

/** The job: the forecast when older than 30 minutes or of another month. */
export async function refreshStaleRetentionForecast(deps: Deps, acting: Acting): Promise<void> {
  const stored = await readForecast(deps.db);
  const age = stored ? acting.now.getTime() - new Date(stored.computed_at).getTime() : Infinity;
  if (!stored || age < 0 || age > FORECAST_MAX_AGE_MS - 5 * 60_000) await refreshRetentionForecast(deps, acting);
}

/** What retention would do at the acting's clock, what is coming, and the last `runs` runs (GET /api/privacy/retention, pages). */
export async function retentionOverview(deps: Deps, acting: Acting, input: { runs?: number } = {}) {
  const { db } = deps;
  const { now } = acting;
  const policy = await retentionPolicy(acting);
  return {
    asOf: now.toISOString(),
    policy: {
      activeYearsAfterLastContact: policy.activeYears,
      archiveYearsAfterLastPayment: policy.archiveYears,
      dailyRun: policy.dailyRun,
    },
    due: await countDue(db, policy, now),
    ...(await retentionForecast(deps, acting)),
    runs: (await listRetentionRuns(db, input.runs ?? 20)).map(presentRun),
    timeZone: policy.timeZone,
  };
}

/** The DPO dashboard: coming archivings, last runs, open requests, exports and archived reads of the last 30 days. */
export async function privacyDashboard(deps: Deps, acting: Acting) {
  const { db } = deps;
  const { now } = acting;
  const overview = await retentionOverview(deps, acting, { runs: 5 });
  const today = localDay(now, overview.timeZone);
  return {
    ...overview,
    openRequests: (await openRequests(db, 50)).map((r) => presentRequest(r, today)),
    watched: await watchedEventsSince(db, new Date(now.getTime() - 30 * 86400_000), 100),
  };
}
