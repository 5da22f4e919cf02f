import type { Request, Response } from 'express';
import type { Actor } from '../shared/authorize.js';
import { AppError } from '../shared/errors.js';

/**
 * What an account with a pending password change (a temporary password set by an
 * administrator) may still call: the change itself, signing out, and signing in (as someone
 * else). Stylesheets and scripts under /assets are served before any session is read.
 * Matched exactly (method and path): `/Account/` or `HEAD /account` are refused, not let in.
 */
export const OPEN_DURING_PASSWORD_CHANGE: readonly string[] = [
  'GET /account',
  'POST /account/password',
  'POST /api/auth/password',
  'POST /logout',
  'POST /api/auth/logout',
  'GET /login',
  'POST /login',
  'POST /api/auth/login',
];

const OPEN = new Set(OPEN_DURING_PASSWORD_CHANGE);

export const CHANGE_PASSWORD_PAGE = '/account?must=1';

/**
 * Refuses every other request of an actor whose password must be changed: the API answers
 * 403 `password_change_required`, pages redirect to the change-password page. Returns true
 * when the request was refused (and answered or handed to the error middleware).
 */
export function refusedUntilPasswordChange(
  actor: Actor | null,
  req: Request,
  res: Response,
  next: (e?: unknown) => void,
): boolean {
  if (!actor?.mustChangePassword) return false;
  if (OPEN.has(`${req.method} ${req.path}`)) return false;
  if (req.path === '/api' || req.path.startsWith('/api/')) next(new AppError('password_change_required'));
  else res.redirect(303, CHANGE_PASSWORD_PAGE);
  return true;
}
