import type { Static } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import type { Role } from '../shared/authorize.js';
import { AppError, notFound } from '../shared/errors.js';
import { randomToken, sha256Hex } from '../shared/crypto.js';
import { staffUserId, type Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import type { TokenCreateBody, TokenView } from './schemas.js';

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

export function presentToken(t: TokenRow): Static<typeof TokenView> {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    roles: t.roles,
    createdAt: t.created_at.toISOString(),
    expiresAt: t.expires_at?.toISOString() ?? null,
    revokedAt: t.revoked_at?.toISOString() ?? null,
    lastUsedAt: t.last_used_at?.toISOString() ?? null,
  };
}

/**
 * Creates an API token carrying a subset of its creator's roles. The secret is returned once;
 * only its SHA-256 is stored.
 */
export async function createToken(deps: Deps, acting: Acting, input: TokenCreateBody) {
  const userId = staffUserId(acting);
  const extra = input.roles.filter((r) => !acting.actor.roles.includes(r));
  if (extra.length) {
    throw new AppError('validation_failed', undefined, [
      { field: 'roles', message: `vous ne pouvez pas donner un rôle que vous n’avez pas (${extra.join(', ')})` },
    ]);
  }
  const secret = `pbo_${randomToken(32)}`;
  const expiresAt = input.expiresOn ? new Date(`${input.expiresOn}T23:59:59Z`) : null;
  if (expiresAt && expiresAt <= acting.now) {
    throw new AppError('validation_failed', undefined, [{ field: 'expiresOn', message: 'doit être une date future' }]);
  }
  return inTransaction(deps.db, async (trx) => {
    const [row] = await trx('api_tokens')
      .insert({
        user_id: userId,
        name: input.name.trim(),
        token_hash: sha256Hex(secret),
        prefix: secret.slice(0, 10),
        roles: input.roles,
        expires_at: expiresAt,
        created_at: acting.now,
      })
      .returning(COLUMNS);
    await recordAudit(trx, acting, {
      action: 'token.created',
      recordType: 'api_token',
      recordId: row.id,
      data: { roles: input.roles },
    });
    return { token: secret, item: presentToken(row as TokenRow) };
  });
}

/** The API tokens the actor may see: their own, everyone's for an admin. */
export async function listTokens(deps: Deps, acting: Acting) {
  const q = deps.db('api_tokens').select(COLUMNS).orderBy('created_at', 'desc');
  if (!acting.actor.roles.includes('admin')) q.where({ user_id: staffUserId(acting) });
  return ((await q) as TokenRow[]).map(presentToken);
}

/** Revokes a token (its owner, or an admin). Revoking twice answers the same. */
export async function revokeToken(deps: Deps, acting: Acting, tokenId: string) {
  const isAdmin = acting.actor.roles.includes('admin');
  return inTransaction(deps.db, async (trx) => {
    const row = (await trx('api_tokens').where({ id: tokenId }).forUpdate().first(COLUMNS)) as TokenRow | undefined;
    if (!row || (row.user_id !== acting.actor.userId && !isAdmin)) throw notFound('Jeton');
    if (row.revoked_at) return presentToken(row);
    const [updated] = await trx('api_tokens')
      .where({ id: tokenId })
      .update({ revoked_at: acting.now })
      .returning(COLUMNS);
    await recordAudit(trx, acting, { action: 'token.revoked', recordType: 'api_token', recordId: tokenId });
    return presentToken(updated as TokenRow);
  });
}
