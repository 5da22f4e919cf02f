import type { Static } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { AppError, notFound } from '../shared/errors.js';
import { randomToken, sha256Hex } from '../shared/crypto.js';
import { staffUserId, type Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import type { TokenCreateBody, TokenView } from './schemas.js';
import { insertToken, lockToken, setTokenRevoked, tokenRows, type TokenRow } from './tokens-repo.js';

export type { TokenRow };

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
    const row = await insertToken(trx, {
      user_id: userId,
      name: input.name.trim(),
      token_hash: sha256Hex(secret),
      prefix: secret.slice(0, 10),
      roles: input.roles,
      expires_at: expiresAt,
      created_at: acting.now,
    });
    await recordAudit(trx, acting, {
      action: 'token.created',
      recordType: 'api_token',
      recordId: row.id,
      data: { roles: input.roles },
    });
    return { token: secret, item: presentToken(row) };
  });
}

/** The API tokens the actor may see: their own, everyone's for an admin. */
export async function listTokens(deps: Deps, acting: Acting) {
  return (await tokenRows(deps.db, acting.actor.roles.includes('admin') ? undefined : staffUserId(acting))).map(
    presentToken,
  );
}

/** Revokes a token (its owner, or an admin). Revoking twice answers the same. */
export async function revokeToken(deps: Deps, acting: Acting, tokenId: string) {
  const isAdmin = acting.actor.roles.includes('admin');
  return inTransaction(deps.db, async (trx) => {
    const row = await lockToken(trx, tokenId);
    if (!row || (row.user_id !== acting.actor.userId && !isAdmin)) throw notFound('Jeton');
    if (row.revoked_at) return presentToken(row);
    const updated = await setTokenRevoked(trx, tokenId, acting.now);
    await recordAudit(trx, acting, { action: 'token.revoked', recordType: 'api_token', recordId: tokenId });
    return presentToken(updated);
  });
}
