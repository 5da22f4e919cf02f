import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { getJob, startJob, type JobRow } from '../jobs/index.js';
import { systemActing, withSettingsRead, type Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { settingsLoader } from '../settings/index.js';
import type { ErasureCounts, Step } from './erasure.js';
import { sweepProductFiles } from './product-files.js';
import {
  addBatch,
  applyDueBatch,
  emptyBatchTotals,
  previewDueBatch,
  type BatchResult,
  type Phase,
  type RetentionPolicy,
} from './lifecycle.js';
import { countDue } from './lifecycle-repo.js';
import { hasDailyRunOn, listJobsOfKind } from './repo.js';

/** Retention runs: a dry run counts, an apply run archives and anonymises, in batches. */
export type RetentionMode = 'dry_run' | 'apply';
export type RetentionTrigger = 'api' | 'page' | 'cli' | 'daily';
export const RETENTION_JOB = 'retention';
export const BATCH_SIZE = 500;

export interface RetentionResult extends Record<string, unknown> {
  mode: RetentionMode;
  asOf: string;
  policy: { activeYearsAfterLastContact: number; archiveYearsAfterLastPayment: number };
  participants: Record<Step, number>;
  erased: Record<Step, ErasureCounts>;
  /** Files the product wrote about erased people (mail folder…), deleted (or, in a dry run, to delete), per kind. */
  files: Record<string, number>;
  durationMs: number;
}

/** The retention settings in force for the acting. */
export async function retentionPolicy(acting: Acting): Promise<RetentionPolicy & { dailyRun: boolean }> {
  const settings = await acting.settings();
  return {
    activeYears: settings.retention.activeYearsAfterLastContact,
    archiveYears: settings.retention.archiveYearsAfterLastPayment,
    dailyRun: settings.retention.dailyRun,
    timeZone: settings.timeZone,
  };
}

/**
 * Runs retention once. `apply` works in transactions of `batchSize` participants taken with
 * FOR UPDATE SKIP LOCKED, each audited with its counts in the same transaction, so two runners
 * (two instances, the daily job and an operator) never process one person twice and a crash
 * keeps every committed batch. Then the files the product wrote about erased people are
 * deleted (server/privacy/product-files.ts), those of this run's people and any a crash left
 * behind. `dry_run` reads the same batches and changes nothing. Everything is as of the
 * acting's clock, audited as the acting (its settings read before the first transaction).
 */
export async function executeRetention(
  deps: Deps,
  acting: Acting,
  input: { mode: RetentionMode; jobId: string | null; batchSize?: number },
  onProgress: (done: number, total: number) => Promise<void> = async () => {},
): Promise<RetentionResult> {
  const started = Date.now();
  const { now } = acting;
  const policy = await retentionPolicy(acting);
  const due = await countDue(deps.db, policy, now);
  const total = due.archive + due.anonymise + due.anonymiseFromArchive;
  const totals = emptyBatchTotals();
  const limit = input.batchSize ?? BATCH_SIZE;
  let done = 0;
  await onProgress(0, total);
  for (const phase of ['active', 'archived'] as Phase[]) {
    let afterId: string | null = null;
    for (;;) {
      const batch: BatchResult =
        input.mode === 'apply'
          ? await inTransaction(deps.db, async (trx) => {
              const b = await applyDueBatch(trx, acting, { phase, policy, limit });
              if (b.ids.length) {
                await recordAudit(trx, acting, {
                  action: 'retention.batch_applied',
                  recordType: 'job',
                  recordId: input.jobId,
                  data: { phase, participants: b.participants, erased: b.erased },
                });
              }
              return b;
            })
          : await previewDueBatch(deps.db, phase, policy, now, limit, afterId);
      if (batch.ids.length === 0) break;
      afterId = batch.ids[batch.ids.length - 1];
      addBatch(totals, batch);
      done += batch.ids.length;
      await onProgress(done, Math.max(total, done));
    }
  }
  // After the batches: in a dry run the people of this run are not erased yet, so only the
  // files of people erased before are counted (an apply run deletes those and this run's).
  const files = await sweepProductFiles(deps, { dryRun: input.mode === 'dry_run' });
  const result: RetentionResult = {
    mode: input.mode,
    asOf: now.toISOString(),
    policy: { activeYearsAfterLastContact: policy.activeYears, archiveYearsAfterLastPayment: policy.archiveYears },
    ...totals,
    files,
    durationMs: Date.now() - started,
  };
  await recordAudit(deps.db, acting, {
    action: input.mode === 'apply' ? 'retention.applied' : 'retention.previewed',
    recordType: 'job',
    recordId: input.jobId,
    data: { participants: result.participants, erased: result.erased, files },
  });
  return result;
}

/**
 * Starts a retention run as a job (202 + polling for the API, a progress bar for the CLI,
 * the daily job), created by and audited as the acting. `finished` settles when the run is
 * over and its job row final.
 */
export async function startRetentionRun(
  deps: Deps,
  acting: Acting,
  input: { mode: RetentionMode; trigger: RetentionTrigger; batchSize?: number },
  onProgress?: (done: number, total: number) => void,
): Promise<{ job: JobRow; finished: Promise<JobRow> }> {
  let giveId!: (id: string) => void;
  const jobId = new Promise<string>((resolve) => (giveId = resolve));
  let settle!: () => void;
  const workDone = new Promise<void>((resolve) => (settle = resolve));
  const job = await startJob(
    deps,
    acting,
    { kind: RETENTION_JOB, params: { mode: input.mode, trigger: input.trigger } },
    async (progress) => {
      try {
        const run = { mode: input.mode, batchSize: input.batchSize, jobId: await jobId };
        return await executeRetention(deps, acting, run, async (done, total) => {
          onProgress?.(done, total);
          await progress(done, total);
        });
      } finally {
        settle();
      }
    },
  );
  giveId(job.id);
  const finished = workDone.then(async () => {
    // startJob writes the final status right after the work settles. (The clock moves while
    // polling: a job's staleness is judged now, not when the run started.)
    for (;;) {
      const row = await getJob(deps.db, job.id, deps.now());
      if (!row || row.status !== 'running') return row ?? job;
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  return { job, finished };
}

/** Past runs, newest first. */
export async function listRetentionRuns(db: Db, limit = 20): Promise<JobRow[]> {
  return listJobsOfKind(db, RETENTION_JOB, limit);
}

/**
 * The daily run inside the service (background job, checked every hour): applies retention
 * once per day in the organisation's time zone when the setting allows it. Two instances
 * checking at once may both start: harmless, the row locks make the second one find nothing.
 */
export async function runDailyRetention(deps: Deps): Promise<JobRow | null> {
  const acting = await withSettingsRead(
    systemActing({ now: deps.now(), settings: settingsLoader(deps.db), runId: 'daily-retention' }),
  );
  const policy = await retentionPolicy(acting);
  if (!policy.dailyRun) return null;
  const { now } = acting;
  if (await hasDailyRunOn(deps.db, RETENTION_JOB, policy.timeZone, now)) return null;
  const { finished } = await startRetentionRun(deps, acting, { mode: 'apply', trigger: 'daily' });
  return finished;
}
