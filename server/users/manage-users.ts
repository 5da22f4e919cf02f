import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import {
  assertStrongPassword,
  deleteSessionsOfUser,
  generatePassword,
  hashPassword,
  findUserByEmail,
  insertAccount,
  replacePassword,
  updateAccount,
  type UserRow,
} from '../auth/index.js';
import type { UserCreateBody, UserPatchBody } from './schemas.js';
import { countOtherActiveAdmins, getUser, USER_COLUMNS } from './repo.js';
import { presentUser } from './presenter.js';
import { usersError } from './errors.js';

/**
 * Creates a staff account. Without a password one is generated and returned once; a given one
 * must not be easy to guess. Either way the person must choose their own at first login.
 */
export async function createUser(deps: Deps, acting: Acting, input: UserCreateBody) {
  if (input.password) assertStrongPassword(input.password, 'password', 'le mot de passe', input);
  const temporaryPassword = input.password ? null : generatePassword();
  const hash = await hashPassword(input.password ?? temporaryPassword!);
  return inTransaction(deps.db, async (trx) => {
    if (await findUserByEmail(trx, input.email))
      throw usersError('email_taken', [{ field: 'email', message: 'un compte existe déjà avec cette adresse' }]);
    const row = await insertAccount<UserRow>(
      trx,
      {
        email: input.email.trim(),
        name: input.name.trim(),
        roles: input.roles,
        passwordHash: hash,
        mustChangePassword: true,
        now: acting.now,
      },
      USER_COLUMNS,
    );
    await recordAudit(trx, acting, {
      action: 'user.created',
      recordType: 'user',
      recordId: row.id,
      data: { roles: input.roles },
    });
    return { user: presentUser(row), temporaryPassword };
  });
}

/** Changes name, roles or the active flag of account `userId`; at least one active admin always remains. */
export async function updateUser(deps: Deps, acting: Acting, input: { userId: string; patch: UserPatchBody }) {
  const { userId: id, patch } = input;
  return inTransaction(deps.db, async (trx) => {
    const before = await getUser(trx, id, true);
    if (!before) throw notFound('Compte');
    const losesAdmin =
      before.roles.includes('admin') &&
      before.active &&
      ((patch.roles && !patch.roles.includes('admin')) || patch.active === false);
    if (losesAdmin) {
      // Serialise admin removals so two admins cannot demote each other at once.
      await trx.raw('SELECT pg_advisory_xact_lock(727100502)');
      if ((await countOtherActiveAdmins(trx, id)) === 0) throw usersError('last_admin');
    }
    const changes: { name?: string; roles?: string[]; active?: boolean; now: Date } = { now: acting.now };
    if (patch.name !== undefined) changes.name = patch.name.trim();
    if (patch.roles !== undefined) changes.roles = patch.roles;
    if (patch.active !== undefined) changes.active = patch.active;
    const row = await updateAccount<UserRow>(trx, id, changes, USER_COLUMNS);
    if (patch.active === false) await deleteSessionsOfUser(trx, id);
    const fields = Object.keys(patch);
    const action =
      patch.active === false && before.active
        ? 'user.deactivated'
        : patch.active === true && !before.active
          ? 'user.reactivated'
          : 'user.updated';
    await recordAudit(trx, acting, {
      action,
      recordType: 'user',
      recordId: id,
      data: { fields, ...(patch.roles ? { roles: patch.roles } : {}) },
    });
    return presentUser(row);
  });
}

/**
 * Gives the account a new generated password, shown once, to be changed at the next sign-in.
 * All its sessions are closed and all its API tokens revoked: whoever knew the old password
 * (or held a token made with it) is out.
 */
export async function resetPassword(deps: Deps, acting: Acting, id: string) {
  const temporaryPassword = generatePassword();
  const hash = await hashPassword(temporaryPassword);
  return inTransaction(deps.db, async (trx) => {
    const user = await getUser(trx, id, true);
    if (!user) throw notFound('Compte');
    const ended = await replacePassword(trx, id, { hash, mustChange: true, now: acting.now });
    await recordAudit(trx, acting, { action: 'user.password_reset', recordType: 'user', recordId: id, data: ended });
    return { temporaryPassword };
  });
}
