import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { RouteSpec } from '../../server/shared/http.js';
import { ctx } from './context.js';
import { declaredRoutes } from './routes.js';

/**
 * The walk behind "every money-creating POST is idempotent" (docs/security.md): the test
 * client counts the rows of the money tables before and after each POST it sends, and the
 * root `afterAll` (hooks.ts) fails, listing them, when a route that added such rows does
 * not declare `idempotent: true` (or `'form'` for a page). Whatever a new route is, the
 * suite's own calls find it. And each POST the suite sends without a key to a flagged route
 * is sent with one, then again with the same key: the second must get the same answer and
 * add no row (`replayFailures`).
 */
export const MONEY_TABLES = [
  'claims',
  'claim_lines',
  'expenses',
  'expense_parts',
  'payment_batches',
  'payments',
  'batch_claims',
  'drawdowns',
  'drawdown_parts',
] as const;

type Counts = Record<string, number>;

/** Row counts of the money tables, in one query. */
export async function moneyCounts(): Promise<Counts> {
  const { rows } = await ctx().deps.db.raw(
    `SELECT ${MONEY_TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`,
  );
  return Object.fromEntries(Object.entries(rows[0] as Record<string, string>).map(([k, v]) => [k, Number(v)]));
}

let matchers: { spec: RouteSpec; re: RegExp; params: number }[] | null = null;

/** The declared route a concrete request went to (literal segments win over parameters). */
export function routeOf(method: string, url: string): RouteSpec | null {
  matchers ??= declaredRoutes()
    .map((spec) => ({
      spec,
      re: new RegExp(
        `^${spec.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`,
        'i',
      ),
      params: (spec.path.match(/:/g) ?? []).length,
    }))
    .sort((a, b) => a.params - b.params);
  const path = url.split('?')[0];
  return matchers.find((m) => m.spec.method === method.toLowerCase() && m.re.test(path))?.spec ?? null;
}

/** What the client sent, to send it again. */
export interface Sent {
  res: Response;
  text: string;
}

/** Flagged routes whose replay was checked (how many times), and the replays that failed. */
export const replayChecked = new Map<string, number>();
/** Replays per route: enough to catch a route that ignores its key, without doubling the suite's POSTs. */
const REPLAYS_PER_ROUTE = 2;
export const replayFailures: string[] = [];

const parsed = (s: Sent) =>
  (s.res.headers.get('content-type') ?? '').includes('application/json') && s.text ? JSON.parse(s.text) : s.text;

/** Per route (`POST /api/expenses`): the money tables it was seen adding rows to, and its flag. */
export const moneyRoutes = new Map<string, { tables: Set<string>; idempotent: boolean }>();

let inFlight = 0;
let started = 0;

/**
 * Sends a request through `send`; for a POST to the test app, records the money rows it
 * added. A POST that overlapped another request (Promise.all races) is not attributed:
 * the counts could hold the other's rows.
 */
export async function watched(
  method: string,
  baseUrl: string,
  url: string,
  hasKey: boolean,
  send: (key: { value: string; asField: boolean } | null) => Promise<Sent>,
): Promise<Sent> {
  const watch = method.toUpperCase() === 'POST' && baseUrl === ctx().baseUrl;
  inFlight++;
  const mine = ++started;
  const alone = inFlight === 1;
  try {
    // Overlapping requests cannot be attributed: no counting for them (races stay cheap).
    if (!watch || !alone) return await send(null);
    const spec = routeOf(method, url);
    const flagged = spec?.idempotent === true || (spec?.kind === 'page' && spec.idempotent === 'form');
    const replays = spec ? (replayChecked.get(`${spec.method.toUpperCase()} ${spec.path}`) ?? 0) : 0;
    const key =
      flagged && alone && !hasKey && replays < REPLAYS_PER_ROUTE
        ? { value: `walk-${randomUUID()}`, asField: spec!.kind === 'page' }
        : null;
    const before = await moneyCounts();
    const reply = await send(key);
    const after = await moneyCounts();
    if (alone && started === mine && spec) {
      const route = `${spec.method.toUpperCase()} ${spec.path}`;
      const added = MONEY_TABLES.filter((t) => after[t] > before[t]);
      if (added.length) {
        const seen = moneyRoutes.get(route) ?? { tables: new Set<string>(), idempotent: flagged };
        for (const t of added) seen.tables.add(t);
        moneyRoutes.set(route, seen);
      }
      if (key && reply.res.status < 400 && started === mine) {
        const again = await send(key);
        const afterAgain = await moneyCounts();
        const problems = [
          again.res.status !== reply.res.status && `status ${reply.res.status} then ${again.res.status}`,
          !isDeepStrictEqual(afterAgain, after) && 'money rows added by the replay',
          spec.kind !== 'page' && !isDeepStrictEqual(parsed(again), parsed(reply)) && 'another body',
          spec.kind !== 'page' &&
            again.res.headers.get('idempotent-replayed') !== 'true' &&
            'no Idempotent-Replayed header',
          spec.kind === 'page' &&
            again.res.headers.get('location') !== reply.res.headers.get('location') &&
            'another redirect',
        ].filter(Boolean);
        if (problems.length) replayFailures.push(`${route} (${url}): ${problems.join(', ')}`);
        replayChecked.set(route, replays + 1);
      }
    }
    return reply;
  } finally {
    inFlight--;
  }
}

/** Routes seen adding money rows without `idempotent: true`, with the tables they added to. */
export function unflaggedMoneyRoutes(): string[] {
  return [...moneyRoutes]
    .filter(([, r]) => !r.idempotent)
    .map(([route, r]) => `${route} (${[...r.tables].join(', ')})`)
    .sort();
}
