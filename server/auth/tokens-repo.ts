import type { Db } from '../shared/db.js';
import type { Role } from '../shared/authorize.js';

export interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  roles: Role[];
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = ['id', 'user_id', 'name', 'prefix', 'roles', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'];

export async function insertToken(db: Db, values: Record<string, unknown>): Promise<TokenRow> {
  const [row] = await db('api_tokens').insert(values).returning(COLUMNS);
  return row as TokenRow;
}

/** Every token, newest first; with `userId`, that user's only. */
export async function tokenRows(db: Db, userId?: string): Promise<TokenRow[]> {
  const q = db('api_tokens').select(COLUMNS).orderBy('created_at', 'desc');
  if (userId !== undefined) q.where({ user_id: userId });
  return (await q) as TokenRow[];
}

/** The token under a row lock. */
export async function lockToken(db: Db, id: string): Promise<TokenRow | undefined> {
  return (await db('api_tokens').where({ id }).forUpdate().first(COLUMNS)) as TokenRow | undefined;
}

export async function setTokenRevoked(db: Db, id: string, now: Date): Promise<TokenRow> {
  const [row] = await db('api_tokens').where({ id }).update({ revoked_at: now }).returning(COLUMNS);
  return row as TokenRow;
}
