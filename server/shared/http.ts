import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { assertAccess, type Access, type Actor } from './authorize.js';
import { validate } from './validate.js';
import { singleUpload } from './files.js';
import { idempotencyKeyOf, idempotent } from './idempotency.js';
import type { ErrorCode } from './errors.js';
import { actingActorOf, makeActing, type Acting, type SettingsLoader } from './acting.js';

/** What every handler knows about the request beyond Express. */
export interface RequestContext {
  requestId: string;
  actor: Actor | null;
  /** Who acts, the request id, the request's clock reading and the settings: what use cases take (set by `mountRoutes`). */
  acting: Acting;
  log: Logger;
  ip: string;
  /** On an `idempotent: 'form'` page route: the key and body its money work is bound to (see `keyedFormWork`). */
  idempotency?: { route: string; key: string | null; body: unknown };
}

/** The hidden field of a page form that carries its idempotency key (a fresh UUID per form shown). */
export const FORM_KEY_FIELD = 'idempotencyKey';

declare module 'express-serve-static-core' {
  interface Request {
    ctx: RequestContext;
  }
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What the handler of an idempotent route answers; the HTTP layer stores it with the key and sends it. */
export interface Answer<T = unknown> {
  status: number;
  body: T;
}

interface BaseSpec<B extends TSchema, Q extends TSchema, P extends TSchema> {
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
  /**
   * The refusals this route answers beyond the generic ones (validation, access, not found),
   * as keys of the error catalogues: the OpenAPI document lists each under its status with its
   * code and message.
   */
  errors?: ErrorCode[];
  /** Response schemas by status, for the OpenAPI document. */
  responses?: Record<number, { description: string; schema?: TSchema; contentType?: string }>;
  /** `page` routes render HTML and stay out of the OpenAPI document. */
  kind?: 'api' | 'page';
  /**
   * `false`: the handler never reads the settings (the health check, which must answer when the
   * database does not), so the HTTP layer does not read them ahead of it.
   */
  settings?: false;
}

export type RouteSpec<B extends TSchema = TSchema, Q extends TSchema = TSchema, P extends TSchema = TSchema> = BaseSpec<
  B,
  Q,
  P
> &
  (
    | {
        /**
         * `'form'`: a page POST that creates money rows. Its handler keeps its page logic
         * (re-render on error, flash, redirect) and runs its money work through
         * `keyedFormWork`, the same `idempotent()` as the API, keyed by the form's hidden
         * `idempotencyKey` field: a double submit creates nothing more.
         */
        idempotent?: false | 'form';
        handler: (req: TypedRequest<B, Q, P>, res: Response) => Promise<unknown> | unknown;
      }
    | {
        /**
         * A money-creating POST: it runs at most once per (user, route, `Idempotency-Key`)
         * (shared/idempotency.ts). The handler does all its work in `trx`, the transaction the
         * key row is written in, and returns its answer: the layer stores it with the key and
         * replays it for a retry with the same body (`Idempotent-Replayed: true`), answers 422
         * `idempotency_key_reused` for another body. OpenAPI declares the header and the 422.
         */
        idempotent: true;
        handler: (req: TypedRequest<B, Q, P>, trx: Knex.Transaction) => Promise<Answer>;
      }
  );

export type TypedRequest<B extends TSchema, Q extends TSchema, P extends TSchema = TSchema> = Omit<
  Request,
  'body' | 'query' | 'params'
> & {
  body: Static<B>;
  query: unknown extends Static<Q> ? Record<string, string | undefined> : Static<Q>;
  params: unknown extends Static<P> ? Record<string, string> : Static<P>;
};

/** Marks the final handler of a mounted route, so tests can walk the router for undeclared policies. */
export const ROUTE_SPEC = Symbol('routeSpec');

export function defineRoute<B extends TSchema = TSchema, Q extends TSchema = TSchema, P extends TSchema = TSchema>(
  spec: RouteSpec<B, Q, P>,
): RouteSpec {
  if (!spec.access) throw new Error(`Route ${spec.method.toUpperCase()} ${spec.path} declares no access policy`);
  return spec as unknown as RouteSpec;
}

/**
 * The body an idempotency key is bound to: the validated fields, plus the SHA-256 of the
 * uploaded file (the same key with another invoice file is another request).
 */
function keyedBody(req: Request, fields: unknown = req.body ?? null): unknown {
  const file = (req as { file?: { buffer?: Buffer } }).file;
  if (!file?.buffer) return fields;
  return { fields, file: createHash('sha256').update(file.buffer).digest('hex') };
}

/** The route a key belongs to: the spec's path with its (validated) parameters, whatever the URL's case. */
function keyRoute(spec: RouteSpec, req: Request): string {
  return `${spec.method.toUpperCase()} ${spec.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => String((req.params as Record<string, string>)[name]))}`;
}

/**
 * The money work of an `idempotent: 'form'` page route, at most once per (user, route, form
 * key): a resubmitted form gets the first work's result (e.g. the id to redirect to) and
 * writes nothing. Throws on a route not declared `'form'`, so a page cannot skip the flag.
 */
export async function keyedFormWork<T>(
  deps: { db: Knex; now: () => Date },
  req: { ctx: RequestContext },
  work: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  const keyed = req.ctx.idempotency;
  if (!keyed) throw new Error("keyedFormWork on a route not declared idempotent: 'form'");
  const result = await idempotent(
    deps.db,
    { userId: req.ctx.actor!.userId, ...keyed, now: deps.now() },
    async (trx) => ({ status: 200, body: (await work(trx)) ?? null }),
  );
  return result.body as T;
}

/**
 * A check the application runs on every route after validation and before its handler (and
 * before an idempotent route's transaction), with the route's declaration (app.ts passes the
 * archive door of privacy/archive-door.ts).
 */
export type RouteGuard = (spec: RouteSpec, req: Request) => Promise<void>;

/**
 * Sees what each route's handler throws (set by the test suite only, test/helpers/error-walk.ts:
 * an API route answering a refusal it does not declare in `errors` fails the run).
 */
let thrownWatcher: ((spec: RouteSpec, error: unknown) => void) | null = null;
export function watchThrown(watcher: typeof thrownWatcher): void {
  thrownWatcher = watcher;
}

/** Mounts routes: authorize → validate → guards → handler (in its idempotent transaction when declared); errors go to the error middleware. */
export function mountRoutes(
  router: Router,
  specs: RouteSpec[],
  deps: { db: Knex; now: () => Date; dbKind?: 'server' | 'embedded' },
  options: { settings: SettingsLoader; guards?: RouteGuard[] },
): void {
  const guards = options.guards ?? [];
  for (const spec of specs) {
    const authorize: RequestHandler = (req, _res, next) => {
      assertAccess(spec.access, req.ctx.actor);
      req.ctx.acting = makeActing({
        actor: actingActorOf(req.ctx.actor),
        requestId: req.ctx.requestId,
        now: deps.now(),
        settings: options.settings,
      });
      next();
    };
    const parse: RequestHandler = (req, _res, next) => {
      if (spec.params) req.params = validate(spec.params, { ...req.params }) as Record<string, string>;
      if (spec.query) {
        // An empty field of a GET form (`?role=`) means "no filter".
        const given = Object.fromEntries(
          Object.entries(req.query as Record<string, unknown>).filter(([, v]) => v !== ''),
        );
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
      } catch (e) {
        // A guard's refusal (the archive door) is every route's, like access: not the route's own.
        next(e);
        return;
      }
      try {
        // Read before any transaction opens (the embedded database has one connection, the
        // server's pool is finite): for every state-changing route, every page (its layout
        // needs them anyway) and every route on the embedded database. An API read reads them
        // when it first asks (most never do: the claims queue).
        const readsSettings = spec.settings !== false;
        if (readsSettings && (req.method !== 'GET' || spec.kind === 'page' || deps.dbKind === 'embedded'))
          await req.ctx.acting.settings();
        const typed = req as unknown as TypedRequest<TSchema, TSchema, TSchema>;
        if (spec.idempotent === 'form') {
          const { _csrf: _token, [FORM_KEY_FIELD]: key, ...fields } = (req.body ?? {}) as Record<string, unknown>;
          req.ctx.idempotency = {
            route: keyRoute(spec, req),
            key: typeof key === 'string' && key !== '' ? idempotencyKeyOf(key) : null,
            body: keyedBody(req, fields),
          };
        }
        if (spec.idempotent !== true) {
          await spec.handler(typed, res);
          return;
        }
        const key = idempotencyKeyOf(req.get('idempotency-key'));
        const result = await idempotent(
          deps.db,
          { userId: req.ctx.actor!.userId, route: keyRoute(spec, req), key, body: keyedBody(req), now: deps.now() },
          (trx) => spec.handler(typed, trx),
        );
        if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
        res.status(result.status).json(result.body);
      } catch (e) {
        thrownWatcher?.(spec, e);
        next(e);
      }
    };
    Object.defineProperty(handle, ROUTE_SPEC, { value: spec });
    const chain: RequestHandler[] = [authorize];
    if (spec.upload) chain.push(singleUpload(spec.upload.field, spec.upload.maxBytes));
    router[spec.method](spec.path, ...chain, parse, handle);
  }
}
