import type { Db } from '../shared/db.js';
import { countDue, upcomingByMonth } from './lifecycle.js';
import { listRetentionRuns, retentionPolicy } from './retention.js';
import { openRequests, watchedEventsSince } from './repo.js';
import { presentRequest, presentRun } from './presenter.js';
import { localDay } from '../shared/dates.js';

/** What retention would do now, what is coming, and the past runs (GET /api/privacy/retention, pages). */
export async function retentionOverview(db: Db, now: Date, runs = 20) {
  const policy = await retentionPolicy(db);
  return {
    asOf: now.toISOString(),
    policy: {
      activeYearsAfterLastContact: policy.activeYears,
      archiveYearsAfterLastPayment: policy.archiveYears,
      dailyRun: policy.dailyRun,
    },
    due: await countDue(db, policy, now),
    upcoming: await upcomingByMonth(db, policy, now, 3),
    runs: (await listRetentionRuns(db, runs)).map(presentRun),
    timeZone: policy.timeZone,
  };
}

/** The DPO dashboard: coming archivings, last runs, open requests, exports and archived reads of the last 30 days. */
export async function privacyDashboard(db: Db, now: Date) {
  const overview = await retentionOverview(db, now, 5);
  const today = localDay(now, overview.timeZone);
  return {
    ...overview,
    openRequests: (await openRequests(db, 50)).map((r) => presentRequest(r, today)),
    watched: await watchedEventsSince(db, new Date(now.getTime() - 30 * 86400_000), 100),
  };
}
