import type { NextFunction, Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../shared/errors.js';
import { PRE_CSRF_COOKIE } from './sessions.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length !== b.length || a.length === 0) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * CSRF protection for every state change made with cookies:
 * - forms (pages) carry `_csrf`, the session's token (or the pre-session cookie's before login);
 * - JSON API calls made with the session cookie must be `application/json` (a cross-site form
 *   cannot send that without a CORS preflight, which we never grant) or carry `X-CSRF-Token`.
 * API tokens are not cookies and need neither.
 */
export function csrfProtection() {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (SAFE.has(req.method)) return next();
    const actor = req.ctx.actor;
    if (actor?.via === 'token') return next();
    const expected = actor?.csrfToken ?? req.cookies?.[PRE_CSRF_COOKIE];
    // Multipart bodies are parsed after this check: their forms carry the token in the query.
    const header =
      req.get('x-csrf-token') ??
      (req.is('multipart/form-data') && typeof req.query._csrf === 'string' ? req.query._csrf : undefined);
    if (req.path.startsWith('/api/')) {
      if (req.is('application/json') || same(header, expected)) return next();
      return next(new AppError('csrf_failed'));
    }
    const sent =
      (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>)._csrf : undefined) ?? header;
    if (same(sent, expected)) return next();
    return next(new AppError('csrf_failed'));
  };
}
