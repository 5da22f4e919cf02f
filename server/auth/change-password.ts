import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { AppError } from '../shared/errors.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { assertStrongPassword } from './password-strength.js';
import * as repo from './repo.js';

/**
 * Changes one's own password. The new one must not be easy to guess (common passwords, the
 * person's e-mail or name). Every API token of the account is revoked and every other session
 * closed: whoever held the old password loses what it opened. The current session stays.
 */
export async function changeOwnPassword(
  deps: Deps,
  actor: AuditActor & { userId: string; sessionId: string | null },
  input: { currentPassword: string; newPassword: string },
): Promise<{ tokensRevoked: number; sessionsClosed: number }> {
  const user = await repo.findUserById(deps.db, actor.userId);
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
      now: deps.now(),
      keepSessionIdHash: actor.sessionId ?? undefined,
    });
    await recordAudit(trx, actor, {
      action: 'user.password_changed',
      recordType: 'user',
      recordId: user.id,
      data: ended,
    });
    return ended;
  });
}
