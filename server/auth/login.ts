import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { AppError } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { burnPasswordCheck, verifyPassword } from './passwords.js';
import { isBlocked, LOGIN_LIMITS } from './rate-limit.js';
import { clearFailures, recordFailure } from './rate-limit-repo.js';
import * as repo from './repo.js';

/**
 * Who the audit names for a sign-in: nobody yet, or the account tried (`signedIn`: the account
 * now acting), whoever the request came from, under the request's id.
 */
function signingIn(acting: Acting, userId: string | null, signedIn = false): Acting {
  return {
    ...acting,
    actor: {
      kind: signedIn ? 'user' : 'anonymous',
      userId,
      tokenId: null,
      participantId: null,
      roles: [],
      auditorScoped: false,
    },
  };
}

/**
 * Checks an e-mail and password (`ip`: the address the attempt comes from). Failures are
 * counted per (account, address), per address and per account (LOGIN_LIMITS); a blocked pair
 * or address is refused before the password is checked. The account-wide count never refuses
 * an address that has not failed on this account: the right password from a new address
 * always gets through. The message is the same whether the e-mail is unknown, the account
 * inactive or the password wrong.
 */
export async function login(
  deps: Deps,
  acting: Acting,
  input: { email: string; password: string; ip: string },
): Promise<{ userId: string; mustChangePassword: boolean }> {
  const { now } = acting;
  const email = input.email.trim().toLowerCase();
  const accountKey = `acct:${deps.keyring.keyedHash(email)}`;
  const addressKey = `addr:${deps.keyring.keyedHash(input.ip)}`;
  const pairKey = `pair:${deps.keyring.keyedHash(`${email}\u0000${input.ip}`)}`;
  const blocked =
    (await isBlocked(deps.db, pairKey, LOGIN_LIMITS.perAccountAndAddress, now)) ||
    (await isBlocked(deps.db, addressKey, LOGIN_LIMITS.perAddress, now)) ||
    // Under a distributed attack, one failure is enough to shut this address out of the account.
    ((await isBlocked(deps.db, accountKey, LOGIN_LIMITS.perAccount, now)) &&
      (await isBlocked(deps.db, pairKey, { ...LOGIN_LIMITS.perAccountAndAddress, failures: 1 }, now)));
  if (blocked) {
    await recordAudit(deps.db, signingIn(acting, null), { action: 'auth.login_blocked', reasonCode: 'rate_limited' });
    throw new AppError('too_many_attempts');
  }
  const user = await repo.findUserByEmail(deps.db, input.email.trim());
  let ok = false;
  if (user) ok = (await verifyPassword(user.password_hash, input.password)) && user.active;
  else await burnPasswordCheck(input.password);
  if (!user || !ok) {
    await recordFailure(deps.db, pairKey, LOGIN_LIMITS.perAccountAndAddress, now);
    await recordFailure(deps.db, accountKey, LOGIN_LIMITS.perAccount, now);
    await recordFailure(deps.db, addressKey, LOGIN_LIMITS.perAddress, now);
    await recordAudit(deps.db, signingIn(acting, user?.id ?? null), {
      action: 'auth.login_failed',
      recordType: user ? 'user' : undefined,
      recordId: user?.id,
      reasonCode: !user ? 'unknown_account' : user.active ? 'wrong_password' : 'inactive_account',
    });
    throw new AppError('invalid_credentials');
  }
  await inTransaction(deps.db, async (trx) => {
    // Only this address's count on this account: the account-wide count runs out with its window.
    await clearFailures(trx, pairKey);
    await repo.recordLogin(trx, user.id, now);
    await recordAudit(trx, signingIn(acting, user.id, true), {
      action: 'auth.login',
      recordType: 'user',
      recordId: user.id,
    });
  });
  return { userId: user.id, mustChangePassword: user.must_change_password };
}
