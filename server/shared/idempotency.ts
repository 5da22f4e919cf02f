import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { inTransaction, type Db } from './db.js';
import { AppError } from './errors.js';

/** How long a key is remembered (24 h per user and route: docs/domain.md#idempotency-keys). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

export interface IdempotentResponse<T = unknown> {
  status: number;
  body: T;
  /** True when this is the stored first response, replayed. */
  replayed: boolean;
}

/** A stable JSON form of a value (object keys sorted), so that `{a,b}` and `{b,a}` hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(canonical(body ?? null))
    .digest('hex');
}

/** Validates an `Idempotency-Key` header value: 1 to 200 visible ASCII characters. */
export function idempotencyKeyOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  if (!/^[\x21-\x7e]{1,200}$/.test(header))
    throw new AppError('validation_failed', undefined, [
      { field: 'Idempotency-Key', message: 'doit compter de 1 à 200 caractères visibles' },
    ]);
  return header;
}

/**
 * Runs a money-creating request at most once per (user, route, key). Without a key, `work`
 * simply runs in a transaction. With a key:
 * - the first request inserts the key row and runs `work` in the same transaction; its
 *   response is stored with it, so key and effect commit (or roll back) together — a refused
 *   request (4xx thrown) stores nothing and may be retried with the same key;
 * - a retry with the same body gets the stored response, marked `replayed`;
 * - a retry with another body gets `422 idempotency_key_reused`;
 * - a concurrent duplicate waits on the primary key held by the first transaction, then
 *   replays its response (or runs, if the first rolled back);
 * - a transaction the server rolled back to break a deadlock runs again (inTransaction, shared/db.ts).
 */
export async function idempotent<T>(
  db: Knex,
  request: { userId: string; route: string; key: string | null; body: unknown; now: Date },
  work: (trx: Knex.Transaction) => Promise<{ status: number; body: T }>,
): Promise<IdempotentResponse<T>> {
  if (!request.key) return inTransaction(db, async (trx) => ({ ...(await work(trx)), replayed: false }));
  const hash = requestHash(request.body);
  const id = { user_id: request.userId, route: request.route, key: request.key };
  return inTransaction(db, async (trx) => {
    await trx('idempotency_keys')
      .where(id)
      .where('created_at', '<', new Date(request.now.getTime() - IDEMPOTENCY_WINDOW_MS))
      .delete();
    const inserted = await trx.raw(
      `INSERT INTO idempotency_keys (user_id, route, key, request_hash, response_status, response_body, created_at)
       VALUES (?, ?, ?, ?, 0, '{}'::jsonb, ?) ON CONFLICT (user_id, route, key) DO NOTHING RETURNING key`,
      [id.user_id, id.route, id.key, hash, request.now],
    );
    if (inserted.rows.length === 0) {
      const stored = await trx('idempotency_keys').where(id).first('request_hash', 'response_status', 'response_body');
      if (!stored) throw new AppError('conflict');
      if (stored.request_hash !== hash) throw new AppError('idempotency_key_reused');
      if (isErasedAnswer(stored.response_body)) throw new AppError('idempotent_answer_erased');
      return { status: stored.response_status as number, body: stored.response_body as T, replayed: true };
    }
    const result = await work(trx);
    await trx('idempotency_keys')
      .where(id)
      .update({ response_status: result.status, response_body: JSON.stringify(result.body) });
    return { ...result, replayed: false };
  });
}

/**
 * What a stored first answer becomes when it named a person who is archived or anonymised (the
 * personal-data registry erases it, `idempotency_keys.response_body`): the key stays, so a replay
 * does nothing twice, and answers 410 `idempotent_answer_erased` instead of the erased answer.
 */
export const ERASED_ANSWER = { erased: true } as const;

const isErasedAnswer = (body: unknown) =>
  typeof body === 'object' &&
  body !== null &&
  (body as { erased?: unknown }).erased === true &&
  Object.keys(body).length === 1;

/** Forgets keys older than the window; returns how many went. */
export async function purgeIdempotencyKeys(db: Db, now: Date): Promise<number> {
  return db('idempotency_keys')
    .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS))
    .delete();
}
