import type { NextFunction, Request, Response } from 'express';
import type { Deps } from '../shared/deps.js';
import type { Actor, Role } from '../shared/authorize.js';
import { randomToken, sha256Hex } from '../shared/crypto.js';
import * as repo from './repo.js';
import { refusedUntilPasswordChange } from './password-change-gate.js';

export const SESSION_COOKIE = 'pbo_sid';
/** Pre-session CSRF cookie, for forms posted before signing in (the login form). */
export const PRE_CSRF_COOKIE = 'pbo_csrf';

const TOUCH_EVERY_MS = 60_000;

function cookieOptions(deps: Deps, maxAgeMs?: number) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.config.cookieSecure,
    path: '/',
    ...(maxAgeMs ? { maxAge: maxAgeMs } : {}),
  };
}

/** Opens a new session (a new id at every login) and sets its cookie. */
export async function openSession(deps: Deps, res: Response, userId: string): Promise<{ csrfToken: string }> {
  const id = randomToken();
  const csrfToken = randomToken();
  const now = deps.now();
  const ttl = deps.config.sessionTtlHours * 3600_000;
  await repo.insertSession(deps.db, {
    id_hash: sha256Hex(id),
    user_id: userId,
    csrf_token: csrfToken,
    expires_at: new Date(now.getTime() + ttl),
    now,
  });
  res.cookie(SESSION_COOKIE, id, cookieOptions(deps, ttl));
  return { csrfToken };
}

export async function closeSession(deps: Deps, req: Pick<Request, 'cookies'>, res: Response): Promise<void> {
  const id = req.cookies?.[SESSION_COOKIE];
  if (typeof id === 'string') await repo.deleteSession(deps.db, sha256Hex(id));
  res.clearCookie(SESSION_COOKIE, cookieOptions(deps));
}

function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const m = /^Bearer\s+([A-Za-z0-9_\-.]{20,200})$/.exec(header);
  return m ? m[1] : '';
}

/**
 * Resolves who is calling from an API token (`Authorization: Bearer …`) or the session
 * cookie. A token acts with the roles it carries that its creator still holds. Every request
 * passes here, so this is also where an account whose password must be changed is kept to
 * the password change and sign-out (password-change-gate.ts), whatever route it asks for.
 */
export function resolveActor(deps: Deps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      req.ctx.actor = await actorOf(deps, req);
      if (refusedUntilPasswordChange(req.ctx.actor, req, res, next)) return;
      next();
    } catch (e) {
      next(e);
    }
  };
}

async function actorOf(deps: Deps, req: Request): Promise<Actor | null> {
  const now = deps.now();
  const bearer = bearerToken(req);
  if (bearer !== null) {
    if (bearer === '') return null;
    const token = await repo.findLiveToken(deps.db, sha256Hex(bearer), now);
    if (!token) return null;
    if (!token.last_used_at || now.getTime() - token.last_used_at.getTime() > TOUCH_EVERY_MS)
      await repo.touchToken(deps.db, token.id, now);
    const roles = token.roles.filter((r: Role) => token.user_roles.includes(r));
    return {
      userId: token.user_id,
      name: token.name,
      roles,
      via: 'token',
      sessionId: null,
      tokenId: token.id,
      csrfToken: null,
      auditorScoped: token.auditor_scoped,
      mustChangePassword: token.must_change_password,
    };
  }
  const id = req.cookies?.[SESSION_COOKIE];
  if (typeof id !== 'string' || id.length > 100) return null;
  const idHash = sha256Hex(id);
  const session = await repo.findLiveSession(deps.db, idHash, now);
  if (!session) return null;
  if (now.getTime() - session.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    await repo.touchSession(deps.db, idHash, now, new Date(now.getTime() + deps.config.sessionTtlHours * 3600_000));
  }
  return {
    userId: session.user_id,
    name: session.name,
    roles: session.roles,
    via: 'session',
    sessionId: idHash,
    tokenId: null,
    csrfToken: session.csrf_token,
    auditorScoped: session.auditor_scoped,
    mustChangePassword: session.must_change_password,
  };
}

/** Stores a one-time message shown on the next page of this session. */
export async function flash(
  deps: Deps,
  req: Pick<Request, 'ctx'>,
  type: 'success' | 'error' | 'info',
  message: string,
): Promise<void> {
  const sessionId = req.ctx.actor?.sessionId;
  if (sessionId) await repo.setFlash(deps.db, sessionId, { type, message });
}

/** Reads and clears the session's pending message. */
export async function takeFlash(
  deps: Deps,
  req: Pick<Request, 'ctx'>,
): Promise<{ type: string; message: string } | null> {
  const sessionId = req.ctx.actor?.sessionId;
  if (!sessionId) return null;
  const row = await repo.flashOf(deps.db, sessionId);
  if (!row?.flash) return null;
  await repo.setFlash(deps.db, sessionId, null);
  return row.flash as { type: string; message: string };
}

/** Ensures an anonymous visitor has a pre-session CSRF cookie; returns its value. */
export function preSessionCsrf(deps: Deps, req: Pick<Request, 'cookies'>, res: Response): string {
  const existing = req.cookies?.[PRE_CSRF_COOKIE];
  if (typeof existing === 'string' && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomToken();
  res.cookie(PRE_CSRF_COOKIE, token, cookieOptions(deps));
  return token;
}
