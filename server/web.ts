import type { Request, Response } from 'express';

/** What page helpers read from a request. */
export type PageRequest = Pick<Request, 'ctx' | 'path' | 'cookies' | 'originalUrl'>;
import type { Deps } from './shared/deps.js';
import { renderPage } from './shared/render.js';
import { flash, preSessionCsrf, takeFlash } from './auth/sessions.js';
import { AppError } from './shared/errors.js';
import { getSettings } from './settings/get-settings.js';

/** Renders a staff page with the layout's needs (CSRF token, flash message, organisation name and time zone). */
export async function page(deps: Deps, req: PageRequest, res: Response, template: string, vars: Record<string, unknown> = {}, status = 200): Promise<void> {
  const { settings } = await getSettings(deps.db);
  const actor = req.ctx.actor;
  renderPage(req, res, template, {
    actor,
    csrfToken: actor?.csrfToken ?? preSessionCsrf(deps, req, res),
    flash: actor ? await takeFlash(deps, req) : null,
    timeZone: settings.timeZone,
    orgName: settings.name,
  }, vars, status);
}

const TITLES: Record<number, string> = { 403: 'Accès refusé', 404: 'Page introuvable', 409: 'Action impossible', 429: 'Trop de tentatives', 500: 'Erreur inattendue' };

/** French error pages (403, 404, 500…). */
export async function renderErrorPage(deps: Deps, req: PageRequest, res: Response, error: AppError): Promise<void> {
  const title = TITLES[error.status] ?? (error.status >= 500 ? 'Erreur inattendue' : 'Demande invalide');
  await page(deps, req, res, 'errors/error.njk', { title, error }, error.status);
}

/** Reads a `_csrf`-carrying urlencoded form body as a plain record of strings (or string arrays). */
export function formBody(req: { body?: unknown }): Record<string, string | string[]> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf') continue;
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) out[k] = v as string | string[];
  }
  return out;
}

/** Details from a validation error as `{ field: message }` for the form templates. */
export function fieldErrors(details: { field: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details) out[d.field] ??= d.message;
  return out;
}

/**
 * Runs the action of a page button, then goes back to `back` with a message: the success
 * text, or why it was refused (a 4xx the person can act on) in French.
 */
export async function actThenRedirect(deps: Deps, req: PageRequest, res: Response, back: string, success: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
    await flash(deps, req, 'success', success);
  } catch (e) {
    if (!(e instanceof AppError) || e.status < 400 || e.status >= 500 || e.status === 401 || e.status === 403) throw e;
    await flash(deps, req, 'error', e.details.length ? `${e.message} ${e.details.map((d) => d.message).join(' ; ')}` : e.message);
  }
  res.redirect(303, back);
}
