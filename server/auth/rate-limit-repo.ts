import type { Db } from '../shared/db.js';

/** The key's failure count and the start of its window, if it has failed. */
export function loginAttemptOf(
  db: Db,
  key: string,
): Promise<{ key: string; window_start: Date; failures: number } | undefined> {
  return db('login_attempts').where({ key }).first();
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
