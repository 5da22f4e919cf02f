// The page crawler shared by `npm run bench:pages` (scripts/bench-pages.ts) and the query-plan
// check (test/shared/query-plans.test.ts): on a running app, signs in with every staff role,
// follows the links of the HTML pages two levels from `/`, calls every list and detail JSON
// API the OpenAPI document publishes (GET only, with an API token), and adds the named heavy
// cases of issue 16 (the biggest batch, grant, project…), found in the database. Because it
// works from the app's own links and OpenAPI document, a new page or API is measured and
// checked without anyone adding it here.
import type { Knex } from 'knex';
import { ROLES, type Role } from '../../server/shared/authorize.js';
import type { Deps } from '../../server/shared/deps.js';
import { createUser } from '../../server/users/index.js';
import { systemActing, withSettingsRead } from '../../server/shared/acting.js';
import { settingsLoader } from '../../server/settings/index.js';

export type TargetKind = 'page' | 'api' | 'export';

/** One URL to measure or check, with the role that reached it. */
export interface Target {
  url: string;
  /** The route pattern it is grouped under (`/claims/{id}`, `/claims?cursor&sort`) or its named case. */
  pattern: string;
  kind: TargetKind;
  role: Role;
  /** A named heavy case of the baseline (`/payments/{id} (biggest batch)`). */
  named?: boolean;
}

export interface Visit {
  status: number;
  contentType: string;
  bytes: number;
  body: string;
}

/** A signed-in role: a session cookie for pages, an API token for `/api`. */
export class RoleClient {
  readonly cookies = new Map<string, string>();
  token = '';
  constructor(
    readonly baseUrl: string,
    readonly role: Role,
  ) {}

  private get cookie() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** GET as this role (session for pages, token for the API); the request id lets the caller find the request's log line. */
  async get(url: string, requestId?: string): Promise<Visit> {
    const headers: Record<string, string> = url.startsWith('/api/')
      ? { authorization: `Bearer ${this.token}` }
      : { cookie: this.cookie };
    if (requestId) headers['x-request-id'] = requestId;
    const res = await fetch(this.baseUrl + url, { headers, redirect: 'manual' });
    const buffer = Buffer.from(await res.arrayBuffer());
    const contentType = res.headers.get('content-type') ?? '';
    const text = /html|json/.test(contentType) ? buffer.toString('utf8') : '';
    return { status: res.status, contentType, bytes: buffer.length, body: text };
  }

  async send(method: string, url: string, json: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(this.baseUrl + url, {
      method,
      headers: { 'content-type': 'application/json', cookie: this.cookie },
      body: JSON.stringify(json),
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      if (i < 0 || i === pair.length - 1) this.cookies.delete(pair.slice(0, i));
      else this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const text = await res.text();
    return {
      status: res.status,
      body: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text,
    };
  }
}

/** The bench accounts: one per role, created once in the target database (never real people). */
export const benchEmail = (role: Role) => `bench-pages-${role.replace(/_/g, '-')}@bench.example`;
const FIRST_PASSWORD = (role: Role) => `Banc d'essai initial ${role} 2026 !`;
const PASSWORD = (role: Role) => `Banc d'essai des pages ${role} 2026 !`;

/**
 * Signs in with every staff role. Each account is created the first time through the users
 * use case (as the `create-admin` command does), then its temporary password is changed
 * through the API, as a new user would; an API token with its role is made at each run.
 */
export async function signInAll(baseUrl: string, deps: Pick<Deps, 'db' | 'now'>): Promise<RoleClient[]> {
  const clients: RoleClient[] = [];
  for (const role of ROLES) {
    const email = benchEmail(role);
    const client = new RoleClient(baseUrl, role);
    const exists = await deps.db('users').where({ email }).first('id');
    if (!exists) {
      const acting = await withSettingsRead(
        systemActing({ now: deps.now(), settings: settingsLoader(deps.db), runId: 'bench-pages' }),
      );
      await createUser(deps as Deps, acting, {
        email,
        name: `Banc d'essai ${role}`,
        roles: [role],
        password: FIRST_PASSWORD(role),
      });
    }
    let login = await client.send('POST', '/api/auth/login', { email, password: PASSWORD(role) });
    if (login.status === 401) {
      // Created but its first password not changed yet (a run stopped half-way).
      login = await client.send('POST', '/api/auth/login', { email, password: FIRST_PASSWORD(role) });
      if (login.status !== 200) throw new Error(`sign-in as ${role}: ${login.status}`);
      const changed = await client.send('POST', '/api/auth/password', {
        currentPassword: FIRST_PASSWORD(role),
        newPassword: PASSWORD(role),
      });
      if (changed.status >= 300) throw new Error(`password change of ${role}: ${changed.status}`);
    } else if (login.status !== 200) throw new Error(`sign-in as ${role}: ${login.status}`);
    const token = await client.send('POST', '/api/tokens', { name: 'bench pages', roles: [role] });
    if (token.status !== 201) throw new Error(`API token of ${role}: ${token.status}`);
    client.token = token.body.token;
    clients.push(client);
  }
  return clients;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The route pattern of a URL: ids → `{id}`, the query string → its parameter names in order (`?cursor&sort`), as the baseline. */
export function routePattern(url: string): string {
  const [path, query] = url.split('?', 2);
  const segments = path.split('/').map((s) => (UUID.test(s) || /^\d+$/.test(s) ? '{id}' : s));
  const keys = query ? [...new Set([...new URLSearchParams(query).keys()])].sort() : [];
  return segments.join('/') + (keys.length ? `?${keys.join('&')}` : '');
}

/** Links and routes never followed: signing out, and anything that is not a page of the app. */
const SKIP = [/^\/logout/, /^\/api\/auth\//, /^\/assets\//, /^\/api\/docs/, /^\/api\/openapi/, /^\/health/];
const EXPORT = /\.(csv|pdf|xlsx|zip|xml)(\?|$)|[?&]format=(csv|pdf|xlsx|zip)|\/(export|download)s?(\/|\?|$)/;

export function kindOf(url: string, contentType = ''): TargetKind {
  if (EXPORT.test(url) || (contentType && !/html|json/.test(contentType))) return 'export';
  return url.startsWith('/api/') ? 'api' : 'page';
}

function linksOf(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<a\b[^>]*?\bhref="([^"]*)"/g)) {
    const href = m[1].replace(/&amp;/g, '&').split('#')[0];
    if (href.startsWith('/') && !href.startsWith('//')) out.push(href);
  }
  return out;
}

export interface CrawlOptions {
  clients: RoleClient[];
  db: Knex;
  /** Concrete URLs kept per route pattern (default 3): a list of 50 claims is 1 pattern, not 50 pages. */
  perPattern?: number;
  /** Also fetch exports (CSV, PDF, XLSX, ZIP): off by default, they grow with their output and are measured by name only. */
  exports?: boolean;
  /** Called around each request of the crawl (the plan check captures its SQL). */
  before?: (target: Target) => void;
  after?: (target: Target, visit: Visit) => void;
  log?: (line: string) => void;
}

/**
 * Crawls: for each role, `/`, the links on it and the links on those (two levels); then every
 * GET API of the OpenAPI document with no path parameter, and those with one filled with the
 * ids the lists answered; then the named heavy cases. A URL is visited once (by the first role
 * that reaches it); only answers 200 are kept as targets.
 */
export async function crawl(options: CrawlOptions): Promise<Target[]> {
  const perPattern = options.perPattern ?? 3;
  const fetched = new Set<string>();
  const kept = new Set<string>();
  const count = new Map<string, number>();
  const targets: Target[] = [];
  let requests = 0;
  /**
   * GETs `url` as `client` (once per role and URL) and keeps it as a target if it answers 200
   * and is new. `parse`: a page whose links are followed, fetched for each role (each sees its
   * own links); other URLs are fetched once, up to `perPattern` per pattern.
   */
  const visit = async (client: RoleClient, url: string, named?: string, parse = false): Promise<Visit | null> => {
    const pattern = named ?? routePattern(url);
    if (SKIP.some((s) => s.test(url))) return null;
    if (named === undefined && !options.exports && EXPORT.test(url)) return null;
    const key = named === undefined ? url : `named: ${named}`;
    if (fetched.has(`${client.role} ${key}`)) return null;
    const isNew = !kept.has(key) && (named !== undefined || (count.get(pattern) ?? 0) < perPattern);
    if (!isNew && !parse) return null;
    fetched.add(`${client.role} ${key}`);
    const target: Target = { url, pattern, kind: kindOf(url), role: client.role, named: named !== undefined };
    options.before?.(target);
    requests++;
    const v = await client.get(url);
    target.kind = kindOf(url, v.contentType);
    options.after?.(target, v);
    if (v.status === 200 && isNew && !kept.has(key)) {
      kept.add(key);
      targets.push(target);
      count.set(pattern, (count.get(pattern) ?? 0) + 1);
    }
    return v;
  };

  // Pages, two levels of links from `/`, as each role.
  for (const client of options.clients) {
    let level = ['/'];
    for (let depth = 0; depth <= 2 && level.length; depth++) {
      const next: string[] = [];
      for (const url of level) {
        const v = await visit(client, url, undefined, depth < 2);
        if (v?.status === 200 && depth < 2 && /html/.test(v.contentType)) next.push(...linksOf(v.body));
      }
      level = [...new Set(next)];
    }
  }

  // APIs: the OpenAPI document's GET paths.
  const spec = JSON.parse((await options.clients[0].get('/api/openapi.json')).body || '{}') as {
    paths?: Record<string, { get?: { responses?: Record<string, { content?: Record<string, unknown> }> } }>;
  };
  // A GET whose answer is not JSON (a PDF, a CSV…) is an export.
  const jsonAnswer = (op: { responses?: Record<string, { content?: Record<string, unknown> }> }) =>
    Object.keys(op.responses?.['200']?.content ?? { 'application/json': 1 }).some((t) => t.includes('json'));
  const paths = Object.entries(spec.paths ?? {})
    .filter(([, ops]) => ops.get && (options.exports || jsonAnswer(ops.get)))
    .map(([p]) => p);
  const idsOf = new Map<string, string[]>();
  for (const path of paths.filter((p) => !p.includes('{'))) {
    for (const client of options.clients) {
      if (kept.has(path)) break;
      const v = await visit(client, path);
      if (!v) continue;
      if (v.status !== 200) continue;
      if (/json/.test(v.contentType)) {
        const body = JSON.parse(v.body) as { items?: { id?: unknown }[] } | unknown[];
        const items = Array.isArray(body) ? body : (body as { items?: unknown[] }).items;
        const ids = (items ?? [])
          .map((i) => (i as { id?: unknown })?.id)
          .filter((id): id is string => typeof id === 'string');
        if (ids.length) idsOf.set(path, [ids[0], ids[ids.length - 1]]);
      }
      break;
    }
  }
  for (const path of paths.filter((p) => /^[^{]*\{[^}]+\}[^{]*$/.test(p))) {
    const list = path.slice(0, path.indexOf('{') - 1);
    for (const id of idsOf.get(list) ?? []) {
      const url = path.replace(/\{[^}]+\}/, id);
      for (const client of options.clients) {
        if (kept.has(url)) break;
        await visit(client, url);
      }
    }
  }

  // The named heavy cases of the baseline, with the first role that may open each.
  for (const [name, url] of await namedCases(options.db)) {
    for (const client of options.clients) {
      const v = await visit(client, url, name);
      if (v?.status === 200) break;
    }
  }
  options.log?.(
    `crawled: ${requests} requests as ${options.clients.length} roles: ${targets.length} answered 200, ${new Set(targets.map((t) => t.pattern)).size} patterns`,
  );
  return targets;
}

/** The heavy cases issue 16 names (docs/benchmarks.md, page latency): label → URL. */
export async function namedCases(db: Knex): Promise<[string, string][]> {
  const one = async (sql: string) => ((await db.raw(sql)) as { rows: Record<string, unknown>[] }).rows[0] ?? null;
  const out: [string, string][] = [];
  const add = (name: string, url: string | null) => {
    if (url) out.push([name, url]);
  };
  const surname = (await one(
    `SELECT last_name FROM participants WHERE anonymised_at IS NULL AND last_name IS NOT NULL
      GROUP BY last_name ORDER BY count(*) DESC, last_name LIMIT 1`,
  )) as { last_name: string } | null;
  const someone = (await one(
    `SELECT first_name, last_name FROM participants WHERE anonymised_at IS NULL AND last_name IS NOT NULL
      ORDER BY id LIMIT 1`,
  )) as { first_name: string; last_name: string } | null;
  const first = await one(`SELECT id FROM participants ORDER BY created_at, id LIMIT 1`);
  const last = await one(`SELECT id FROM participants ORDER BY created_at DESC, id DESC LIMIT 1`);
  const mostClaims = await one(
    `SELECT participant_id AS id FROM claims GROUP BY participant_id ORDER BY count(*) DESC LIMIT 1`,
  );
  const project = await one(
    `SELECT project_id AS id FROM claims WHERE project_id IS NOT NULL GROUP BY project_id ORDER BY count(*) DESC LIMIT 1`,
  );
  const submitted = await one(`SELECT id FROM claims WHERE status = 'submitted' ORDER BY id LIMIT 1`);
  const paidMostLines = await one(
    `SELECT c.id FROM claims c JOIN claim_lines l ON l.claim_id = c.id WHERE c.status = 'paid'
      GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1`,
  );
  const session = await one(
    `SELECT session_id AS id FROM session_participants WHERE session_id IS NOT NULL GROUP BY session_id ORDER BY count(*) DESC LIMIT 1`,
  );
  const grant = await one(
    `SELECT grant_id AS id FROM expense_parts WHERE grant_id IS NOT NULL GROUP BY grant_id ORDER BY count(*) DESC LIMIT 1`,
  );
  const batch = await one(
    `SELECT batch_id AS id FROM payments WHERE batch_id IS NOT NULL GROUP BY batch_id ORDER BY count(*) DESC LIMIT 1`,
  );
  const id = (row: Record<string, unknown> | null) => (row ? String(row.id) : null);
  const q = (s: string) => encodeURIComponent(s);
  const year = new Date().getUTCFullYear() - 1;

  add('/participants', '/participants');
  if (surname) add('/participants?q=<common surname>', `/participants?q=${q(surname.last_name)}`);
  add('/participants/{id} (first)', first && `/participants/${id(first)}`);
  add('/participants/{id} (last)', last && `/participants/${id(last)}`);
  add('/participants/{id} (most claims)', mostClaims && `/participants/${id(mostClaims)}`);
  add('/participants/{id}/claims (most claims)', mostClaims && `/participants/${id(mostClaims)}/claims`);
  add('/claims', '/claims');
  add('/claims?status=submitted', '/claims?status=submitted');
  add('/claims?status=paid', '/claims?status=paid');
  add('/claims?projectId=<biggest>', project && `/claims?projectId=${id(project)}`);
  add('/claims?status=submitted&projectId=<biggest>', project && `/claims?status=submitted&projectId=${id(project)}`);
  add('/claims/{id} (submitted)', submitted && `/claims/${id(submitted)}`);
  add('/claims/{id} (paid, most lines)', paidMostLines && `/claims/${id(paidMostLines)}`);
  add('/claims/advances', '/claims/advances');
  add('/sessions', '/sessions');
  add('/sessions/{id} (biggest)', session && `/sessions/${id(session)}`);
  add('/sessions/{id}/attendance (biggest)', session && `/sessions/${id(session)}/attendance`);
  add('/projects', '/projects');
  add('/projects/{id} (biggest)', project && `/projects/${id(project)}`);
  add('/projects/{id}/dashboard (biggest)', project && `/projects/${id(project)}/dashboard`);
  add('/grants', '/grants');
  add('/grants/{id} (biggest)', grant && `/grants/${id(grant)}`);
  add('/grants/{id}/dashboard (biggest)', grant && `/grants/${id(grant)}/dashboard`);
  add('/expenses', '/expenses');
  add('/expenses?grantId=<biggest>', grant && `/expenses?grantId=${id(grant)}`);
  add(
    '/expenses?grantId=<biggest>&status=actual&year',
    grant && `/expenses?grantId=${id(grant)}&status=actual&paidFrom=${year}-01-01&paidTo=${year}-12-31`,
  );
  add('/payments', '/payments');
  add('/payments/new', '/payments/new');
  add('/payments/{id} (biggest batch)', batch && `/payments/${id(batch)}`);
  add('/privacy', '/privacy');
  add('/privacy/retention', '/privacy/retention');
  add('/admin/audit', '/admin/audit');
  add('/admin/outbox', '/admin/outbox');
  if (surname) add('GET /api/participants?q=<common surname>', `/api/participants?q=${q(surname.last_name)}`);
  if (someone)
    add(
      'GET /api/participants?q=<first+last name>',
      `/api/participants?q=${q(`${someone.first_name} ${someone.last_name}`)}`,
    );
  add('GET /api/participants', '/api/participants');
  add('GET /api/claims?status=submitted', '/api/claims?status=submitted');
  add(
    'GET /api/claims?status=submitted&projectId=<biggest>',
    project && `/api/claims?status=submitted&projectId=${id(project)}`,
  );
  add('GET /api/expenses', '/api/expenses');
  add('GET /api/expenses?grantId=<biggest>', grant && `/api/expenses?grantId=${id(grant)}`);
  add('GET /api/audit', '/api/audit');
  add('GET /api/outbox', '/api/outbox');
  add('GET /api/projects/{id}/dashboard (biggest)', project && `/api/projects/${id(project)}/dashboard`);
  add('GET /api/grants/{id}/dashboard (biggest)', grant && `/api/grants/${id(grant)}/dashboard`);
  add(
    `GET /api/grants/{id}/statement CSV, year ${year} (biggest)`,
    grant && `/api/grants/${id(grant)}/statement?from=${year}-01-01&to=${year}-12-31&format=csv`,
  );
  return out;
}
