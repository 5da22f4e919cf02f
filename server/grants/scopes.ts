import type { Static } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import type { Acting } from '../shared/acting.js';
import { notFound, validationError } from '../shared/errors.js';
import { recordAudit } from '../audit/index.js';
import { isScopedAuditor, type AuditorScope } from './policy.js';
import { getGrant, projectFundedBy } from './repo.js';
import type { ScopeView } from './schemas.js';
import {
  auditorScopeRows,
  deleteScope,
  grantScopeRows,
  scopeUser,
  upsertScope,
  type AuditorScopeRow,
} from './scopes-repo.js';

/**
 * The scope of the one acting (`acting.actor`, on the day `acting.now`): `null` when nothing limits them (not a pure auditor, or an auditor
 * without any scope row); otherwise the unexpired scoped grants with their date ranges
 * (possibly none: all scopes expired → the auditor sees nothing). Dashboards and funder
 * documents apply the same scope.
 */
export async function auditorScope(db: Db, acting: Acting): Promise<AuditorScope | null> {
  const user = acting.actor;
  const now = acting.now;
  if (!isScopedAuditor(user)) return null;
  const rows = await auditorScopeRows(db, user.userId);
  if (!rows.length) return null;
  const live = rows.filter((r: { expires_at: Date }) => new Date(r.expires_at) > now);
  return {
    grantIds: live.map((r: { grant_id: string }) => r.grant_id),
    ranges: new Map(
      live.map((r: { grant_id: string; from_date: string; to_date: string }) => [
        r.grant_id,
        { from: r.from_date, to: r.to_date },
      ]),
    ),
  };
}

/** May the scope see this project (one of its grants funds it)? 404 otherwise, as if it did not exist. */
export async function assertProjectInScope(db: Db, scope: AuditorScope | null, projectId: string): Promise<void> {
  if (!scope) return;
  if (!(await projectFundedBy(db, projectId, scope.grantIds))) throw notFound('Projet');
}

export function presentScope(r: AuditorScopeRow): Static<typeof ScopeView> {
  return {
    id: r.id,
    userId: r.user_id,
    grantId: r.grant_id,
    fromDate: r.from_date,
    toDate: r.to_date,
    expiresAt: new Date(r.expires_at).toISOString(),
  };
}

export async function listScopes(db: Db, grantId: string) {
  if (!(await getGrant(db, grantId))) throw notFound('Financement');
  return (await grantScopeRows(db, grantId)).map(presentScope);
}

/** Gives (or changes) an auditor's access to one grant, for expenses within a date range, until an expiry. */
export async function setScope(
  deps: Deps,
  acting: Acting,
  input: { grantId: string; userId: string; fromDate: string; toDate: string; expiresAt: string },
) {
  const { grantId } = input;
  return inTransaction(deps.db, async (trx) => {
    if (!(await getGrant(trx, grantId))) throw notFound('Financement');
    const user = await scopeUser(trx, input.userId);
    if (!user) throw validationError([{ field: 'userId', message: 'compte inconnu' }]);
    if (!(user.roles as string[]).includes('auditor'))
      throw validationError([{ field: 'userId', message: 'ce compte n’a pas le rôle auditeur' }]);
    if (input.toDate < input.fromDate)
      throw validationError([{ field: 'toDate', message: 'doit être après la date de début' }]);
    const row = await upsertScope(trx, {
      user_id: input.userId,
      grant_id: grantId,
      from_date: input.fromDate,
      to_date: input.toDate,
      expires_at: input.expiresAt,
      created_by: acting.actor.userId,
    });
    await recordAudit(trx, acting, {
      action: 'auditor_scope.set',
      recordType: 'grant',
      recordId: grantId,
      data: { userId: input.userId, fromDate: input.fromDate, toDate: input.toDate },
    });
    return presentScope(row);
  });
}

/** Removes auditor `userId`'s access to grant `grantId`. */
export async function removeScope(deps: Deps, acting: Acting, input: { grantId: string; userId: string }) {
  const { grantId, userId } = input;
  await inTransaction(deps.db, async (trx) => {
    const n = await deleteScope(trx, grantId, userId);
    if (!n) throw notFound('Accès auditeur');
    await recordAudit(trx, acting, {
      action: 'auditor_scope.removed',
      recordType: 'grant',
      recordId: grantId,
      data: { userId },
    });
  });
}
