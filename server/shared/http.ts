import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Logger } from 'pino';
import { assertAccess, type Access, type Actor } from './authorize.js';
import { validate } from './validate.js';
import { singleUpload } from './files.js';

/** What every handler knows about the request beyond Express. */
export interface RequestContext {
  requestId: string;
  actor: Actor | null;
  log: Logger;
  ip: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    ctx: RequestContext;
  }
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<B extends TSchema = TSchema, Q extends TSchema = TSchema, P extends TSchema = TSchema> {
  method: Method;
  /** Express path (`/api/users/:id`). */
  path: string;
  access: Access;
  summary: string;
  tags?: string[];
  /** JSON body schema (API routes); validated before the handler runs. */
  body?: B;
  /** Query-string schema; values arrive as strings. */
  query?: Q;
  /** Path parameters schema (`:id` → `{ id }`). */
  params?: P;
  /**
   * A multipart/form-data route with one file field (in `req.file`); the other fields are
   * validated by `body` as strings. Cookie-authenticated callers send the CSRF token in the
   * `X-CSRF-Token` header or the `_csrf` query parameter.
   */
  upload?: { field: string; maxBytes?: number };
  /** Response schemas by status, for the OpenAPI document. */
  responses?: Record<number, { description: string; schema?: TSchema; contentType?: string }>;
  /** `page` routes render HTML and stay out of the OpenAPI document. */
  kind?: 'api' | 'page';
  handler: (req: TypedRequest<B, Q, P>, res: Response) => Promise<unknown> | unknown;
}

export type TypedRequest<B extends TSchema, Q extends TSchema, P extends TSchema = TSchema> = Omit<Request, 'body' | 'query' | 'params'> & {
  body: Static<B>;
  query: unknown extends Static<Q> ? Record<string, string | undefined> : Static<Q>;
  params: unknown extends Static<P> ? Record<string, string> : Static<P>;
};

/** Marks the final handler of a mounted route, so tests can walk the router for undeclared policies. */
export const ROUTE_SPEC = Symbol('routeSpec');

export function defineRoute<B extends TSchema = TSchema, Q extends TSchema = TSchema, P extends TSchema = TSchema>(spec: RouteSpec<B, Q, P>): RouteSpec {
  if (!spec.access) throw new Error(`Route ${spec.method.toUpperCase()} ${spec.path} declares no access policy`);
  return spec as unknown as RouteSpec;
}

/**
 * A check the application runs on every route after validation and before its handler, with the
 * route's declaration (app.ts passes the archive door of privacy/archive-door.ts).
 */
export type RouteGuard = (spec: RouteSpec, req: Request) => Promise<void>;

/** Mounts routes: authorize → validate → guards → handler; errors go to the error middleware. */
export function mountRoutes(router: Router, specs: RouteSpec[], guards: RouteGuard[] = []): void {
  for (const spec of specs) {
    const authorize: RequestHandler = (req, _res, next) => {
      assertAccess(spec.access, req.ctx.actor);
      next();
    };
    const parse: RequestHandler = (req, _res, next) => {
      if (spec.params) req.params = validate(spec.params, { ...req.params }) as Record<string, string>;
      if (spec.query) {
        // An empty field of a GET form (`?role=`) means "no filter".
        const given = Object.fromEntries(Object.entries(req.query as Record<string, unknown>).filter(([, v]) => v !== ''));
        const q = validate(spec.query, given);
        Object.defineProperty(req, 'query', { value: q, writable: true, configurable: true });
      }
      if (spec.body) {
        const body = { ...(req.body ?? {}) };
        if (spec.kind === 'page' || spec.upload) delete body._csrf;
        req.body = validate(spec.body, body);
      }
      next();
    };
    const handle = async (req: Request, res: Response, next: NextFunction) => {
      try {
        for (const guard of guards) await guard(spec, req);
        await spec.handler(req as unknown as TypedRequest<TSchema, TSchema, TSchema>, res);
      } catch (e) {
        next(e);
      }
    };
    Object.defineProperty(handle, ROUTE_SPEC, { value: spec });
    const chain: RequestHandler[] = [authorize];
    if (spec.upload) chain.push(singleUpload(spec.upload.field, spec.upload.maxBytes));
    router[spec.method](spec.path, ...chain, parse, handle);
  }
}
