import type { Db } from '../shared/db.js';

/** The queries of the auditor scopes (`scopes.ts`). */

/** An auditor's scope on one grant. */
export interface AuditorScopeRow {
  id: string;
  user_id: string;
  grant_id: string;
  from_date: string;
  to_date: string;
  expires_at: Date;
}

/** An auditor's scope rows: grant, date range and expiry. */
export async function auditorScopeRows(
  db: Db,
  userId: string | null,
): Promise<Pick<AuditorScopeRow, 'grant_id' | 'from_date' | 'to_date' | 'expires_at'>[]> {
  return db('auditor_scopes').where({ user_id: userId }).select('grant_id', 'from_date', 'to_date', 'expires_at');
}

/** The scopes given on a grant, oldest first. */
export async function grantScopeRows(db: Db, grantId: string): Promise<AuditorScopeRow[]> {
  return db('auditor_scopes').where({ grant_id: grantId }).orderBy('created_at').select('*');
}

/** The account a scope would be given to: its roles and whether it is active. */
export async function scopeUser(
  trx: Db,
  userId: string,
): Promise<{ id: string; roles: string[]; active: boolean } | undefined> {
  return trx('users').where({ id: userId }).first('id', 'roles', 'active');
}

/** Gives an auditor's scope on a grant, or changes the one they have. */
export async function upsertScope(
  trx: Db,
  row: {
    user_id: string;
    grant_id: string;
    from_date: string;
    to_date: string;
    expires_at: string;
    created_by: string | null;
  },
): Promise<AuditorScopeRow> {
  const [saved] = await trx('auditor_scopes')
    .insert(row)
    .onConflict(['user_id', 'grant_id'])
    .merge(['from_date', 'to_date', 'expires_at', 'created_by'])
    .returning('*');
  return saved;
}

/** Removes an auditor's scope on a grant; how many rows went (0 or 1). */
export async function deleteScope(trx: Db, grantId: string, userId: string): Promise<number> {
  return trx('auditor_scopes').where({ grant_id: grantId, user_id: userId }).delete();
}
