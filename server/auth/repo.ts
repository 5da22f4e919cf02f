import type { Db } from '../shared/db.js';
import { preparedRows } from '../shared/prepared.js';
import type { Role } from '../shared/authorize.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  roles: Role[];
  active: boolean;
  must_change_password: boolean;
  password_changed_at: Date;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').whereRaw('lower(email) = lower(?)', [email]).first();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ id }).first();
}

export interface SessionActorRow {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  flash: unknown;
  last_seen_at: Date;
  expires_at: Date;
  name: string;
  roles: Role[];
  auditor_scoped: boolean;
  must_change_password: boolean;
}

/** Whether the user is an auditor limited to some grants (any scope row, even expired: then they see nothing). */
const AUDITOR_SCOPED = 'EXISTS (SELECT 1 FROM auditor_scopes a WHERE a.user_id = u.id) AS auditor_scoped';

export function findLiveSession(db: Db, idHash: string, now: Date): Promise<SessionActorRow | undefined> {
  return db('web_sessions as s')
    .join('users as u', 'u.id', 's.user_id')
    .where('s.id_hash', idHash)
    .andWhere('s.expires_at', '>', now)
    .andWhere('u.active', true)
    .first(
      's.id_hash',
      's.user_id',
      's.csrf_token',
      's.flash',
      's.last_seen_at',
      's.expires_at',
      'u.name',
      'u.roles',
      'u.must_change_password',
      db.raw(AUDITOR_SCOPED),
    );
}

export async function insertSession(
  db: Db,
  row: { id_hash: string; user_id: string; csrf_token: string; expires_at: Date; now: Date },
): Promise<void> {
  await db('web_sessions').insert({
    id_hash: row.id_hash,
    user_id: row.user_id,
    csrf_token: row.csrf_token,
    expires_at: row.expires_at,
    created_at: row.now,
    last_seen_at: row.now,
  });
}

export async function touchSession(db: Db, idHash: string, now: Date, expiresAt: Date): Promise<void> {
  await db('web_sessions').where({ id_hash: idHash }).update({ last_seen_at: now, expires_at: expiresAt });
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db('web_sessions').where({ id_hash: idHash }).delete();
}

export async function deleteSessionsOfUser(db: Db, userId: string, exceptIdHash?: string): Promise<void> {
  const q = db('web_sessions').where({ user_id: userId });
  if (exceptIdHash) q.andWhereNot({ id_hash: exceptIdHash });
  await q.delete();
}

/**
 * Sets a new password hash and ends every credential the old password stood behind: all the
 * user's API tokens are revoked and all their sessions closed, except `keepSessionIdHash`
 * (the session that changed its own password). The only way the application changes a
 * password hash: a password change cannot forget to end the old credentials.
 */
export async function replacePassword(
  trx: Db,
  userId: string,
  change: { hash: string; mustChange: boolean; now: Date; keepSessionIdHash?: string },
): Promise<{ tokensRevoked: number; sessionsClosed: number }> {
  await trx('users').where({ id: userId }).update({
    password_hash: change.hash,
    must_change_password: change.mustChange,
    password_changed_at: change.now,
    updated_at: change.now,
  });
  const tokensRevoked = await trx('api_tokens')
    .where({ user_id: userId })
    .whereNull('revoked_at')
    .update({ revoked_at: change.now });
  const sessions = trx('web_sessions').where({ user_id: userId });
  if (change.keepSessionIdHash) sessions.andWhereNot({ id_hash: change.keepSessionIdHash });
  const sessionsClosed = await sessions.delete();
  return { tokensRevoked, sessionsClosed };
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  return db('web_sessions').where('expires_at', '<=', now).delete();
}

/** The session's pending message, if any. */
export function flashOf(
  db: Db,
  idHash: string,
): Promise<{ flash: { type: string; message: string } | null } | undefined> {
  return db('web_sessions').where({ id_hash: idHash }).first('flash');
}

export async function setFlash(db: Db, idHash: string, flash: { type: string; message: string } | null): Promise<void> {
  await db('web_sessions')
    .where({ id_hash: idHash })
    .update({ flash: flash === null ? null : JSON.stringify(flash) });
}

export interface TokenActorRow {
  id: string;
  user_id: string;
  roles: Role[];
  user_roles: Role[];
  name: string;
  last_used_at: Date | null;
  auditor_scoped: boolean;
  must_change_password: boolean;
}

export async function findLiveToken(db: Db, tokenHash: string, now: Date): Promise<TokenActorRow | undefined> {
  // Every API request starts with it: a prepared statement (one plan per connection).
  const [row] = await preparedRows<TokenActorRow>(
    db,
    db('api_tokens as t')
      .join('users as u', 'u.id', 't.user_id')
      .where('t.token_hash', tokenHash)
      .whereNull('t.revoked_at')
      .andWhere((q) => q.whereNull('t.expires_at').orWhere('t.expires_at', '>', now))
      .andWhere('u.active', true)
      .select(
        't.id',
        't.user_id',
        't.roles',
        'u.roles as user_roles',
        'u.name',
        't.last_used_at',
        'u.must_change_password',
        db.raw(AUDITOR_SCOPED),
      )
      .limit(1),
  );
  return row;
}

export async function touchToken(db: Db, id: string, now: Date): Promise<void> {
  await db('api_tokens').where({ id }).update({ last_used_at: now });
}

/** A new staff account (the first admin, or one an admin creates): returns the given columns. */
export async function insertAccount<Row = Record<string, unknown>>(
  db: Db,
  account: {
    email: string;
    name: string;
    roles: string[];
    passwordHash: string;
    mustChangePassword: boolean;
    now?: Date;
  },
  returning: string[] = ['id'],
): Promise<Row> {
  const [row] = await db('users')
    .insert({
      email: account.email,
      name: account.name,
      roles: account.roles,
      password_hash: account.passwordHash,
      must_change_password: account.mustChangePassword,
      ...(account.now ? { created_at: account.now, updated_at: account.now } : {}),
    })
    .returning(returning);
  return row as Row;
}

/** An account's name, roles or active flag changed by an admin: returns the given columns. */
export async function updateAccount<Row = Record<string, unknown>>(
  db: Db,
  id: string,
  changes: { name?: string; roles?: string[]; active?: boolean; now: Date },
  returning: string[],
): Promise<Row> {
  const { now, ...values } = changes;
  const [row] = await db('users')
    .where({ id })
    .update({ ...values, updated_at: now })
    .returning(returning);
  return row as Row;
}

/** A successful sign-in. */
export async function recordLogin(db: Db, userId: string, now: Date): Promise<void> {
  await db('users').where({ id: userId }).update({ last_login_at: now });
}
