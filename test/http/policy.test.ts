import { expect } from 'chai';
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { ROUTE_SPEC } from '../../server/shared/http.js';
import { ROLES, type Role } from '../../server/shared/authorize.js';
import { ctx } from '../helpers/context.js';
import { Client } from '../helpers/client.js';
import { signedIn } from '../helpers/factories.js';
import { concretePath, declaredRoutes, rowCounts } from '../helpers/routes.js';

interface Layer {
  route?: { path: string; stack: { handle: unknown; method?: string }[] };
  handle: { stack?: Layer[] } & Record<symbol, unknown>;
}

/** Walks the mounted router: each route's last handler must carry its declared spec. */
function mountedRoutes(app: Express): { path: string; method: string; declared: boolean }[] {
  const out: { path: string; method: string; declared: boolean }[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const handlers = layer.route.stack;
        const last = handlers[handlers.length - 1].handle as Record<symbol, unknown>;
        out.push({ path: layer.route.path, method: handlers[0].method ?? '?', declared: !!last[ROUTE_SPEC] });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

describe('route policies (deny by default)', function () {
  this.timeout(120_000);
  it('when the router is walked, then every mounted route declares who may call it', () => {
    const routes = mountedRoutes(createApp(ctx().deps));
    expect(routes.length).to.be.greaterThan(20);
    const undeclared = routes.filter((r) => !r.declared).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(undeclared).to.deep.equal([]);
  });

  it('when a route is public, then it is one of the few that may be', () => {
    const publicRoutes = declaredRoutes()
      .filter((r) => 'public' in r.access)
      .map((r) => `${r.method.toUpperCase()} ${r.path}`)
      .sort();
    expect(publicRoutes).to.deep.equal(
      [
        'GET /api/docs',
        'GET /api/docs/init.js',
        'GET /api/openapi.json',
        'GET /health',
        'GET /login',
        'POST /api/auth/login',
        'POST /login',
      ].sort(),
    );
  });

  it('when a non-public API route is called without credentials, then it answers 401 JSON', async () => {
    const anonymous = new Client();
    for (const r of declaredRoutes().filter((x) => x.kind !== 'page' && !('public' in x.access))) {
      const res = await anonymous.request(
        r.method.toUpperCase(),
        concretePath(r.path),
        r.method === 'get' ? {} : { json: {} },
      );
      expect(res.status, `${r.method} ${r.path}`).to.equal(401);
      expect(res.body.error.code).to.equal('unauthenticated');
    }
  });

  it('when a non-public page is opened without a session, then the browser is sent to the login page', async () => {
    const anonymous = new Client();
    for (const r of declaredRoutes().filter((x) => x.kind === 'page' && !('public' in x.access))) {
      const res = await anonymous.request(
        r.method.toUpperCase(),
        concretePath(r.path),
        r.method === 'get' ? {} : { form: {} },
      );
      // Form posts without a session fail the CSRF check first: also a refusal, never the handler.
      expect([303, 403], `${r.method} ${r.path}`).to.include(res.status);
      if (res.status === 303) expect(res.headers.get('location')).to.match(/^\/login\?next=/);
    }
  });

  it('@router when a route is called with a role it does not allow, then it answers 403', async () => {
    const clients = new Map<string, Client>();
    let checked = 0;
    for (const r of declaredRoutes().filter((x) => 'roles' in x.access)) {
      const allowed = (r.access as { roles: readonly Role[] }).roles;
      const others = ROLES.filter((role) => !allowed.includes(role));
      if (others.length === 0) continue; // every role may call it
      const key = others.join(',');
      if (!clients.has(key)) clients.set(key, await signedIn(...others));
      const client = clients.get(key)!;
      const res =
        r.kind === 'page'
          ? await client.request(
              r.method.toUpperCase(),
              concretePath(r.path),
              r.method === 'get' ? {} : { form: { _csrf: client.csrfToken! } },
            )
          : await client.request(r.method.toUpperCase(), concretePath(r.path), r.method === 'get' ? {} : { json: {} });
      expect(res.status, `${r.method} ${r.path} as ${key}`).to.equal(403);
      checked++;
    }
    expect(checked).to.be.greaterThan(10);
  });

  it('when any write route gets an invalid body, then 400 names the field and nothing is written', async () => {
    const client = await signedIn(...ROLES);
    const before = await rowCounts(['web_sessions']);
    let checked = 0;
    for (const r of declaredRoutes().filter((x) => x.body && x.kind !== 'page')) {
      const res = await client.request(r.method.toUpperCase(), concretePath(r.path), { json: { unexpectedField: 1 } });
      expect(res.status, `${r.method} ${r.path}`).to.equal(400);
      expect(res.body.error.code).to.equal('validation_failed');
      const fields = res.body.error.details.map((d: { field: string }) => d.field);
      expect(fields, `${r.method} ${r.path}`).to.include('unexpectedField');
      checked++;
    }
    expect(checked).to.be.greaterThan(5);
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });
});
