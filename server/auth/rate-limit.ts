import type { Db } from '../shared/db.js';

export const LOGIN_LIMITS = {
  perAccount: { failures: 8, windowMinutes: 15 },
  perAddress: { failures: 100, windowMinutes: 15 },
};

/** True when this key has too many failures in its current window. */
export async function isBlocked(db: Db, key: string, limit: { failures: number; windowMinutes: number }, now: Date): Promise<boolean> {
  const row = await db('login_attempts').where({ key }).first();
  if (!row) return false;
  const expired = now.getTime() - new Date(row.window_start).getTime() > limit.windowMinutes * 60_000;
  return !expired && row.failures >= limit.failures;
}

/** Counts one failure; a window that has expired starts again. */
export async function recordFailure(db: Db, key: string, limit: { windowMinutes: number }, now: Date): Promise<void> {
  const since = new Date(now.getTime() - limit.windowMinutes * 60_000);
  await db.raw(
    `INSERT INTO login_attempts (key, window_start, failures) VALUES (?, ?, 1)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN login_attempts.window_start < ? THEN 1 ELSE login_attempts.failures + 1 END,
       window_start = CASE WHEN login_attempts.window_start < ? THEN EXCLUDED.window_start ELSE login_attempts.window_start END`,
    [key, now, since, since],
  );
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db('login_attempts').where({ key }).delete();
}
