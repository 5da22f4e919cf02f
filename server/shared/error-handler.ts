import type { NextFunction, Request, Response } from 'express';
import type { Deps } from './deps.js';
import { AppError, type GenericCode } from './errors.js';

/** True when the client expects JSON rather than a page. */
export function wantsJson(req: Request): boolean {
  return (
    req.path.startsWith('/api/') ||
    req.path === '/api' ||
    req.path === '/health' ||
    (!!req.get('accept') && !req.accepts('html'))
  );
}

export function notFoundHandler() {
  return (_req: Request, _res: Response, next: NextFunction) => next(new AppError('route_not_found'));
}

interface HttpishError extends Error {
  type?: string;
  status?: number;
  statusCode?: number;
  code?: string;
  severity?: string;
}

// Database errors a client can cause with input that passed validation.
const CLIENT_SQLSTATES: Record<string, GenericCode> = {
  '22P02': 'malformed_request', // invalid text representation
  '22007': 'malformed_request', // invalid datetime format
  '22008': 'malformed_request', // datetime out of range
  '22003': 'malformed_request', // numeric out of range
  '22001': 'malformed_request', // string too long
  '22021': 'malformed_request', // bad byte sequence (NUL in text)
  '23P01': 'conflict', // exclusion constraint
};

/** Maps anything thrown to an AppError: known client mistakes become 4xx, the rest a logged 500. */
export function toAppError(err: unknown, req: Request): AppError {
  if (err instanceof AppError) return err;
  const e = err as HttpishError;
  if (e?.type === 'entity.parse.failed') return new AppError('malformed_json');
  if (e?.type === 'entity.too.large') return new AppError('payload_too_large');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported')
    return new AppError('unsupported_media_type');
  if (e?.severity && e.code && CLIENT_SQLSTATES[e.code]) {
    req.ctx?.log.warn({ err: err }, 'database refused client input');
    return new AppError(CLIENT_SQLSTATES[e.code]);
  }
  // Every database connection of this instance stayed busy past the pool's wait: an overload,
  // not a bug. 503 tells the client to try again (nothing was written: no connection, no transaction).
  if (e?.name === 'KnexTimeoutError') {
    req.ctx?.log.warn({ err: err }, 'database pool exhausted');
    return new AppError('overloaded');
  }
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new AppError('malformed_request');
  req.ctx?.log.error({ err: err }, 'unexpected error');
  return new AppError('internal_error');
}

export type ErrorPageRenderer = (deps: Deps, req: Request, res: Response, error: AppError) => Promise<void>;

export function errorHandler(deps: Deps, renderPage: ErrorPageRenderer) {
  // Express recognises error middleware by its four parameters.
  return async (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const error = toAppError(err, req);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error.status === 503) res.setHeader('Retry-After', '5');
    if (wantsJson(req)) {
      res.status(error.status).json(error.toJSON());
      return;
    }
    if (error.status === 401) {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    try {
      await renderPage(deps, req, res, error);
    } catch (renderErr) {
      req.ctx?.log.error({ err: renderErr }, 'error page failed');
      res.status(error.status).type('text/plain').send(error.message);
    }
  };
}
