import type { Db } from '../shared/db.js';
import { loginAttemptOf } from './rate-limit-repo.js';

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
  const row = await loginAttemptOf(db, key);
  if (!row) return false;
  const expired = now.getTime() - new Date(row.window_start).getTime() > limit.windowMinutes * 60_000;
  return !expired && row.failures >= limit.failures;
}
