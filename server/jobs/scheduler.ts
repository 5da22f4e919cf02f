import type { Deps } from '../shared/deps.js';
import { systemActing, withSettingsRead, type Acting } from '../shared/acting.js';
import { settingsLoader } from '../settings/index.js';
import { sealAndCheckpoint, sealAudit } from '../audit/index.js';
import { deleteExpiredSessions } from '../auth/index.js';
import { refreshStaleRetentionForecast, runDailyRetention } from '../privacy/index.js';
import { createMailer, drainDueEmails } from '../notifications/index.js';
import { expireBookingOptions } from '../venues/index.js';
import { expireStaleImports } from '../participants/index.js';
import { compactExpenseRollups } from '../grants/index.js';
import { refreshStaleGrantFigures } from '../grant-reports/index.js';
import { refreshStaleProjectFigures } from '../projects/index.js';
import { purgeIdempotencyKeys } from '../shared/idempotency.js';

interface Job {
  name: string;
  everyMs: number;
  /**
   * One run, acting as the platform (`acting`: audited under the job's name, one clock reading
   * per run; its settings are read when first asked, so a run that needs them inside a
   * transaction reads them first: `withSettingsRead`).
   */
  run: (deps: Deps, acting: Acting) => Promise<unknown>;
}

const JOBS: Job[] = [
  // Seals with the keyed hash, and signs a checkpoint outside the database when one is due.
  { name: 'audit-seal', everyMs: 5_000, run: (deps) => sealAndCheckpoint(deps) },
  // The 5-second seal looks at recent events only; this one finds any event sealed late.
  { name: 'audit-seal-sweep', everyMs: 3600_000, run: (deps) => sealAudit(deps) },
  { name: 'expired-sessions', everyMs: 3600_000, run: (deps, acting) => deleteExpiredSessions(deps.db, acting.now) },
  // Checked hourly; applies retention at most once per day (setting retention.dailyRun).
  { name: 'daily-retention', everyMs: 3600_000, run: (deps) => runDailyRetention(deps) },
  {
    name: 'booking-options',
    everyMs: 3600_000,
    run: async (deps, acting) => expireBookingOptions(deps, await withSettingsRead(acting)),
  },
  // Merges the expense rollups' delta rows (written by triggers on every expense write).
  { name: 'expense-rollups', everyMs: 60_000, run: (deps) => compactExpenseRollups(deps.db) },
  // Whole-project and whole-grant dashboard figures and the retention forecast older than 30 minutes.
  {
    name: 'dashboard-figures',
    everyMs: 120_000,
    run: async (deps, acting) => {
      await refreshStaleProjectFigures(deps, acting);
      await refreshStaleGrantFigures(deps, acting);
      await refreshStaleRetentionForecast(deps, await withSettingsRead(acting));
    },
  },
  // Import previews hold personal data for 24 h at most; idempotency keys are kept 24 h.
  { name: 'expired-previews-and-keys', everyMs: 3600_000, run: (deps, acting) => purgeExpired(deps, acting) },
];

/** Expires import previews and idempotency keys older than 24 h (as of the run's clock). */
export async function purgeExpired(deps: Deps, acting: Acting): Promise<void> {
  await expireStaleImports(deps.db, acting.now);
  await purgeIdempotencyKeys(deps.db, acting.now);
}

/** Runs periodic work inside the service; each job never overlaps itself. */
export function startBackgroundJobs(deps: Deps) {
  const mailer = createMailer(deps.config);
  const jobs: Job[] = [...JOBS, { name: 'outbox', everyMs: 2_000, run: () => drainDueEmails(deps, mailer.send) }];
  const running = new Set<Promise<unknown>>();
  const timers = jobs.map((job) => {
    let busy = false;
    return setInterval(() => {
      if (busy) return;
      busy = true;
      const acting = systemActing({ now: deps.now(), settings: settingsLoader(deps.db), runId: job.name });
      const p = job
        .run(deps, acting)
        .catch((e) => deps.log.error({ job: job.name, err: e }, 'background job failed'))
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    }, job.everyMs).unref();
  });
  return {
    stop: () => {
      timers.forEach(clearInterval);
      mailer.close();
    },
    done: async () => {
      await Promise.allSettled([...running]);
    },
  };
}
