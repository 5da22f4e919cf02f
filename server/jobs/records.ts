import type { Deps } from '../shared/deps.js';
import type { Db } from '../shared/db.js';

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
 * Starts long work in this instance and returns the job row at once (the API answers 202);
 * progress is written at most every half second. A job whose instance died shows as failed.
 */
export async function startJob(
  deps: Deps,
  input: { kind: string; params?: Record<string, unknown>; createdBy: string | null },
  work: (progress: Progress) => Promise<Record<string, unknown>>,
): Promise<JobRow> {
  const now = deps.now();
  const [job] = (await deps
    .db('jobs')
    .insert({
      kind: input.kind,
      status: 'running',
      params: JSON.stringify(input.params ?? {}),
      created_by: input.createdBy,
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
      const result = await work(progress);
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

export async function getJob(db: Db, id: string, now: Date): Promise<JobRow | undefined> {
  const job = (await db('jobs').where({ id }).first()) as JobRow | undefined;
  if (job && job.status === 'running' && job.heartbeat_at && now.getTime() - job.heartbeat_at.getTime() > STALE_MS) {
    return { ...job, status: 'failed', error_code: 'instance_stopped' };
  }
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
