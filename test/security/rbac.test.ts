import { expect } from 'chai';
import { ROLES, type Role } from '../../server/shared/authorize.js';
import type { RouteSpec } from '../../server/shared/http.js';
import { Client } from '../helpers/client.js';
import { signedIn } from '../helpers/factories.js';
import { ctx } from '../helpers/context.js';
import { concretePath, declaredRoutes } from '../helpers/routes.js';
import { EXPECTED_ACCESS, SCOPED_AUDITOR, accessKey, routeKey } from './rbac-matrix.js';
import { readFileSync } from 'node:fs';
import { matrixMarkdown } from '../../scripts/rbac-matrix.js';

type Outcome = 'unauthenticated' | 'forbidden' | 'passes';

/** What the kept table says a principal gets on a route (an auditor limited to grants counts as `scoped-auditor`, not `auditor`). */
function expected(
  who: string,
  principal: { roles: Role[]; scoped?: boolean } | null,
  kind: 'api' | 'page',
  method: string,
): Outcome {
  if (who === 'public') return 'passes';
  if (!principal) return kind === 'page' && method !== 'get' ? 'forbidden' : 'unauthenticated';
  if (who === 'signed-in') return 'passes';
  const names: string[] = principal.scoped ? [SCOPED_AUDITOR] : principal.roles;
  return names.some((r) => who.split(' ').includes(r)) ? 'passes' : 'forbidden';
}

/** What the service answered, as the matrix counts it. */
function observed(status: number, kind: 'api' | 'page', location: string | null): Outcome {
  if (status === 401) return 'unauthenticated';
  if (kind === 'page' && status === 303 && location?.startsWith('/login?next=')) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  return 'passes';
}

/**
 * Routes an allowed principal is not sent to with an empty request, because the request
 * would be valid and act (start a retention run, sign the client out…). Refusals are still
 * probed for them: authorization runs before anything else.
 */
function wouldAct(r: RouteSpec): boolean {
  if (r.method === 'get') return false;
  if (/logout/.test(r.path)) return true;
  if (r.kind !== 'page' && r.body) return false; // an unknown field is refused by validation
  return !r.path.includes(':'); // with a path parameter, a random id finds nothing
}

async function call(client: Client, r: RouteSpec) {
  const path = concretePath(r.path);
  const method = r.method.toUpperCase();
  if (r.kind === 'page')
    return client.request(method, path, r.method === 'get' ? {} : { form: { _csrf: client.csrfToken ?? '' } });
  return client.request(method, path, r.method === 'get' ? {} : { json: { rbacProbe: 1 } });
}

describe('RBAC matrix (every route × every role, anonymous and a narrower API token)', function () {
  this.timeout(120_000);

  it('when the routes are listed, then each one has a row in the kept table and no row is stale', () => {
    const declared = declaredRoutes().map(routeKey).sort();
    const kept = Object.keys(EXPECTED_ACCESS).sort();
    const missing = declared.filter((k) => !kept.includes(k));
    const stale = kept.filter((k) => !declared.includes(k));
    expect(
      missing,
      'routes missing from test/security/rbac-matrix.ts (npx tsx scripts/rbac-matrix.ts --missing)',
    ).to.deep.equal([]);
    expect(stale, 'rows of test/security/rbac-matrix.ts for routes that no longer exist').to.deep.equal([]);
  });

  it('when a route declares its policy, then it is exactly the one the table expects', () => {
    const differing = declaredRoutes()
      .filter((r) => EXPECTED_ACCESS[routeKey(r)] !== undefined && EXPECTED_ACCESS[routeKey(r)] !== accessKey(r.access))
      .map((r) => `${routeKey(r)}: declared '${accessKey(r.access)}', table '${EXPECTED_ACCESS[routeKey(r)]}'`);
    expect(differing).to.deep.equal([]);
  });

  it('when docs/security.md shows the matrix, then it is the kept table', () => {
    const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
    expect(doc.includes(matrixMarkdown()), 'run: npx tsx scripts/rbac-matrix.ts --doc').to.equal(true);
  });

  it('@router when every principal calls every route, then the service answers as the table says', async () => {
    const principals: { name: string; roles: Role[] | null; scoped?: boolean; client: Client; apiOnly?: boolean }[] = [
      { name: 'anonymous', roles: null, client: new Client() },
    ];
    for (const role of ROLES) principals.push({ name: role, roles: [role], client: await signedIn(role) });
    // An auditor limited to one grant: only the routes that apply such a scope let them in.
    const scoped = await signedIn('auditor');
    const [grant] = await ctx()
      .deps.db('grants')
      .insert({
        funder: 'Matrice',
        programme: 'Axe',
        agreement_number: 'RBAC-1',
        period_start: '2026-01-01',
        period_end: '2026-12-31',
        total_cents: 100000,
        cofunding_rate_bp: 5000,
        eligible_categories: ['transport'],
      })
      .returning(['id']);
    await ctx()
      .deps.db('auditor_scopes')
      .insert({
        user_id: scoped.user.id,
        grant_id: grant.id,
        from_date: '2026-01-01',
        to_date: '2026-12-31',
        expires_at: new Date(Date.now() + 86_400_000),
      });
    principals.push({ name: 'auditor limited to a grant', roles: ['auditor'], scoped: true, client: scoped });
    // A token carrying fewer roles than its creator: it gets only what its own roles allow.
    const creator = await signedIn('finance', 'staff');
    const created = await creator.post('/api/tokens', { name: 'matrice', roles: ['staff'] });
    expect(created.status).to.equal(201);
    principals.push({
      name: 'token(staff) of a finance+staff user',
      roles: ['staff'],
      client: Client.withToken(created.body.token),
      apiOnly: true,
    });

    const mismatches: string[] = [];
    let calls = 0;
    for (const r of declaredRoutes()) {
      const who = EXPECTED_ACCESS[routeKey(r)];
      if (who === undefined) continue;
      const kind = r.kind === 'page' ? 'page' : 'api';
      for (const p of principals) {
        if (p.apiOnly && kind === 'page') continue;
        const want = expected(who, p.roles ? { roles: p.roles, scoped: p.scoped } : null, kind, r.method);
        if (want === 'passes' && (wouldAct(r) || who === 'public')) continue;
        const res = await call(p.client, r);
        calls++;
        if (res.status >= 500) mismatches.push(`${routeKey(r)} as ${p.name}: ${res.status}`);
        const got = observed(res.status, kind, res.headers.get('location'));
        if (got !== want) mismatches.push(`${routeKey(r)} as ${p.name}: expected ${want}, got ${res.status}`);
      }
    }
    expect(mismatches).to.deep.equal([]);
    expect(calls).to.be.greaterThan(1000);
  });
});
