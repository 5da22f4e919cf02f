import type { Db } from '../shared/db.js';

/**
 * Sign-in throttling (docs/security.md, "Credentials end when they should"):
 * - perAccountAndAddress: 8 failures on one account from one address lock that address out of
 *   that account for the window, even with the right password;
 * - perAddress: 100 failures from one address, on any accounts, lock that address out;
 * - perAccount: past 40 failures on one account from all addresses (a distributed attack),
 *   an address that has already failed on it in the window is refused at once. An address
 *   that has not failed on the account is never refused because of the account's count:
 *   nobody can lock a colleague out by typing wrong passwords from elsewhere.
 */
export const LOGIN_LIMITS = {
  perAccountAndAddress: { failures: 8, windowMinutes: 15 },
  perAddress: { failures: 100, windowMinutes: 15 },
  perAccount: { failures: 40, windowMinutes: 15 },
};

/** True when this key has too many failures in its current window. */
export async function isBlocked(
  db: Db,
  key: string,
  limit: { failures: number; windowMinutes: number },
  now: Date,
): Promise<boolean> {
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
