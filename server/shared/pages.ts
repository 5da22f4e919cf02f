// What staff pages share: rendering inside the layout, French error pages, form bodies and
// field errors, and the button that acts then goes back with a message.
import type { NextFunction, Request, Response } from 'express';
import type { Deps } from './deps.js';
import { renderPage, type PageLocals } from './render.js';
import { AppError } from './errors.js';

/** What page helpers read from a request. */
export type PageRequest = Pick<Request, 'ctx' | 'path' | 'cookies' | 'originalUrl'>;

/**
 * What pages take from the session and the settings, put in `res.locals.pageContext` by one
 * middleware (`pageContext`, mounted in app.ts, which wires auth's sessions and the settings):
 * the layout is read only when a page is rendered, so the flash message is taken and the
 * pre-session CSRF cookie set by pages alone, never by API calls or redirects.
 */
export interface PageContext {
  /** The layout's CSRF token, flash message (taken from the session), organisation name and time zone. */
  layout(): Promise<Omit<PageLocals, 'actor'>>;
  /** Leaves a message for the next page of this session. */
  flash(type: 'success' | 'error' | 'info', message: string): Promise<void>;
}

declare module 'express-serve-static-core' {
  interface Locals {
    pageContext?: PageContext;
  }
}

/** The middleware that gives each request its `PageContext`. */
export function pageContext(make: (req: Request, res: Response) => PageContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.pageContext = make(req, res);
    next();
  };
}

function pageContextOf(res: Response): PageContext {
  const context = res.locals.pageContext;
  if (!context) throw new Error('res.locals.pageContext is missing: mount pageContext() (app.ts) before the routes');
  return context;
}

/** Renders a staff page with the layout's needs (CSRF token, flash message, organisation name and time zone). */
export async function page(
  deps: Deps,
  req: PageRequest,
  res: Response,
  template: string,
  vars: Record<string, unknown> = {},
  status = 200,
): Promise<void> {
  const layout = await pageContextOf(res).layout();
  renderPage(req, res, template, { actor: req.ctx.actor, ...layout }, vars, status);
}

const TITLES: Record<number, string> = {
  403: 'Accès refusé',
  404: 'Page introuvable',
  409: 'Action impossible',
  429: 'Trop de tentatives',
  500: 'Erreur inattendue',
};

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
    if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))
      out[k] = v as string | string[];
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
export async function actThenRedirect(
  deps: Deps,
  req: PageRequest,
  res: Response,
  back: string,
  success: string,
  work: () => Promise<unknown>,
): Promise<void> {
  try {
    await work();
    await pageContextOf(res).flash('success', success);
  } catch (e) {
    if (!(e instanceof AppError) || e.status < 400 || e.status >= 500 || e.status === 401 || e.status === 403) throw e;
    await pageContextOf(res).flash(
      'error',
      e.details.length ? `${e.message} ${e.details.map((d) => d.message).join(' ; ')}` : e.message,
    );
  }
  res.redirect(303, back);
}
