import type { Deps } from '../shared/deps.js';
import type { Acting } from '../shared/acting.js';
import { countDue, upcomingByMonth } from './lifecycle-repo.js';
import { listRetentionRuns, retentionPolicy } from './retention.js';
import { openRequests, watchedEventsSince } from './repo.js';
import { presentRequest, presentRun } from './presenter.js';
import { localDay } from '../shared/dates.js';

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
    upcoming: await upcomingByMonth(db, policy, now, 3),
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
