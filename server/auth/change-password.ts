import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { AppError } from '../shared/errors.js';
import { staffUserId, type Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { assertStrongPassword } from './password-strength.js';
import * as repo from './repo.js';

/**
 * Changes one's own password. The new one must not be easy to guess (common passwords, the
 * person's e-mail or name). Every API token of the account is revoked and every other session
 * closed: whoever held the old password loses what it opened. The current session
 * (`keepSessionId`, the session's id hash) stays.
 */
export async function changeOwnPassword(
  deps: Deps,
  acting: Acting,
  input: { currentPassword: string; newPassword: string; keepSessionId: string | null },
): Promise<{ tokensRevoked: number; sessionsClosed: number }> {
  const user = await repo.findUserById(deps.db, staffUserId(acting));
  if (!user || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new AppError('validation_failed', undefined, [
      { field: 'currentPassword', message: 'le mot de passe actuel est incorrect' },
    ]);
  }
  if (input.newPassword === input.currentPassword) {
    throw new AppError('validation_failed', undefined, [
      { field: 'newPassword', message: 'doit être différent du mot de passe actuel' },
    ]);
  }
  assertStrongPassword(input.newPassword, 'newPassword', 'le nouveau mot de passe', user);
  const hash = await hashPassword(input.newPassword);
  return inTransaction(deps.db, async (trx) => {
    const ended = await repo.replacePassword(trx, user.id, {
      hash,
      mustChange: false,
      now: acting.now,
      keepSessionIdHash: input.keepSessionId ?? undefined,
    });
    await recordAudit(trx, acting, {
      action: 'user.password_changed',
      recordType: 'user',
      recordId: user.id,
      data: ended,
    });
    return ended;
  });
}
