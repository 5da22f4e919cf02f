import type { Deps } from '../shared/deps.js';
import { AppError } from '../shared/errors.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import { hashPassword, verifyPassword } from './passwords.js';
import * as repo from './repo.js';

/** Changes one's own password; other sessions of the account are closed. */
export async function changeOwnPassword(
  deps: Deps,
  actor: AuditActor & { userId: string; sessionId: string | null },
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await repo.findUserById(deps.db, actor.userId);
  if (!user || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new AppError('validation_failed', undefined, [{ field: 'currentPassword', message: 'le mot de passe actuel est incorrect' }]);
  }
  if (input.newPassword === input.currentPassword) {
    throw new AppError('validation_failed', undefined, [{ field: 'newPassword', message: 'doit être différent du mot de passe actuel' }]);
  }
  const hash = await hashPassword(input.newPassword);
  await deps.db.transaction(async (trx) => {
    await trx('users').where({ id: user.id }).update({ password_hash: hash, must_change_password: false, password_changed_at: deps.now(), updated_at: deps.now() });
    await repo.deleteSessionsOfUser(trx, user.id, actor.sessionId ?? undefined);
    await recordAudit(trx, actor, { action: 'user.password_changed', recordType: 'user', recordId: user.id });
  });
}
