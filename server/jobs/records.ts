import type { Deps } from '../shared/deps.js';
import type { Db } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import { makeActing, withSettingsRead, type Acting } from '../shared/acting.js';
import { settingsLoader } from '../settings/index.js';

export interface JobRow {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  progress: number;
  total: number | null;
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error_code: string | null;
  created_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  heartbeat_at: Date | null;
}

/** A running job's way to say how far it is. */
export type Progress = (done: number, total?: number) => Promise<void>;

const STALE_MS = 120_000;

/**
 * Who a job run acts as: whoever started it (the user or their token, audited under the
 * starting request's id; the platform when nobody did), with its own clock reading and its
 * settings read afresh when the run begins, before any transaction.
 */
function runActing(deps: Deps, startedBy: Acting): Promise<Acting> {
  return withSettingsRead(
    makeActing({
      actor: startedBy.actor,
      requestId: startedBy.requestId,
      now: deps.now(),
      settings: settingsLoader(deps.db),
    }),
  );
}

/**
 * Starts long work in this instance and returns the job row at once (the API answers 202);
 * progress is written at most every half second. A job whose instance died shows as failed.
 * The job is recorded as started by `acting`'s user (none for the platform) and `work`
 * receives the run's own `Acting`, acting as them (runActing). Progress and the final status
 * are stamped with the clock of the moment (a run is long), not the run's start.
 */
export async function startJob(
  deps: Deps,
  acting: Acting,
  input: { kind: string; params?: Record<string, unknown> },
  work: (progress: Progress, acting: Acting) => Promise<Record<string, unknown>>,
): Promise<JobRow> {
  const { now } = acting;
  const [job] = (await deps
    .db('jobs')
    .insert({
      kind: input.kind,
      status: 'running',
      params: JSON.stringify(input.params ?? {}),
      created_by: acting.actor.userId,
      created_at: now,
      started_at: now,
      heartbeat_at: now,
    })
    .returning('*')) as JobRow[];
  let last = 0;
  const progress: Progress = async (done, total) => {
    if (Date.now() - last < 500 && (total === undefined || done < total)) return;
    last = Date.now();
    await deps
      .db('jobs')
      .where({ id: job.id })
      .update({ progress: done, ...(total !== undefined ? { total } : {}), heartbeat_at: deps.now() });
  };
  void (async () => {
    try {
      const result = await work(progress, await runActing(deps, acting));
      await deps
        .db('jobs')
        .where({ id: job.id })
        .update({
          status: 'completed',
          result: JSON.stringify(result),
          finished_at: deps.now(),
          heartbeat_at: deps.now(),
        });
    } catch (e) {
      deps.log.error({ job: job.kind, jobId: job.id, err: e }, 'job failed');
      await deps
        .db('jobs')
        .where({ id: job.id })
        .update({ status: 'failed', error_code: 'job_failed', finished_at: deps.now() })
        .catch(() => undefined);
    }
  })();
  return job;
}

/** A job's row as of `now` (a running job whose heartbeat stopped shows as failed: its instance died). */
export async function getJob(db: Db, id: string, now: Date): Promise<JobRow | undefined> {
  const job = (await db('jobs').where({ id }).first()) as JobRow | undefined;
  if (job && job.status === 'running' && job.heartbeat_at && now.getTime() - job.heartbeat_at.getTime() > STALE_MS) {
    return { ...job, status: 'failed', error_code: 'instance_stopped' };
  }
  return job;
}

/** A job as the one who started it, or an admin, sees it; anyone else is told it does not exist. */
export async function showJob(deps: Deps, acting: Acting, id: string): Promise<JobRow> {
  const job = await getJob(deps.db, id, acting.now);
  if (!job || (job.created_by !== acting.actor.userId && !acting.actor.roles.includes('admin')))
    throw notFound('Tâche');
  return job;
}

export function presentJob(j: JobRow) {
  return {
    id: j.id,
    kind: j.kind,
    status: j.status,
    progress: j.progress,
    total: j.total,
    result: j.result,
    errorCode: j.error_code,
    createdAt: j.created_at.toISOString(),
    finishedAt: j.finished_at?.toISOString() ?? null,
  };
}
