import type { Deps } from '../shared/deps.js';
import { sealAndCheckpoint } from '../audit/index.js';
import { deleteExpiredSessions } from '../auth/index.js';
import { runDailyRetention } from '../privacy/index.js';
import { createMailer, drainDueEmails } from '../notifications/index.js';
import { expireBookingOptions } from '../venues/index.js';
import { systemActing, withSettingsRead } from '../shared/acting.js';
import { settingsLoader } from '../settings/index.js';
import { expireStaleImports } from '../participants/index.js';
import { purgeIdempotencyKeys } from '../shared/idempotency.js';

interface Job {
  name: string;
  everyMs: number;
  run: (deps: Deps) => Promise<unknown>;
}

const JOBS: Job[] = [
  // Seals with the keyed hash, and signs a checkpoint outside the database when one is due.
  { name: 'audit-seal', everyMs: 5_000, run: (deps) => sealAndCheckpoint(deps) },
  { name: 'expired-sessions', everyMs: 3600_000, run: (deps) => deleteExpiredSessions(deps.db, deps.now()) },
  // Checked hourly; applies retention at most once per day (setting retention.dailyRun).
  { name: 'daily-retention', everyMs: 3600_000, run: (deps) => runDailyRetention(deps) },
  {
    name: 'booking-options',
    everyMs: 3600_000,
    run: async (deps) =>
      expireBookingOptions(
        deps,
        await withSettingsRead(systemActing({ now: deps.now(), settings: settingsLoader(deps.db), runId: 'job' })),
      ),
  },
  // Import previews hold personal data for 24 h at most; idempotency keys are kept 24 h.
  { name: 'expired-previews-and-keys', everyMs: 3600_000, run: (deps) => purgeExpired(deps) },
];

export async function purgeExpired(deps: Deps): Promise<void> {
  await expireStaleImports(deps.db, deps.now());
  await purgeIdempotencyKeys(deps.db, deps.now());
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
      const p = job
        .run(deps)
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
