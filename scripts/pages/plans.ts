// The query-plan check of issue 16: every SELECT a crawled page or API ran (scripts/pages/crawl.ts)
// is explained with EXPLAIN (ANALYZE, FORMAT JSON) in a transaction rolled back, and its plan
// must not read a big table whole nor sort more rows than a page shows. Run by the @pg test
// test/shared/query-plans.test.ts on a generated scale-0.1 dataset, and by
// `tsx scripts/pages/check-plans.ts` on an existing one.
import type { Knex } from 'knex';
import type { Target } from './crawl.js';

/**
 * A relation with more estimated rows than this must not be read by a Seq Scan (issue 16,
 * item 4). At scale 0.1 the participants and payees tables hold exactly 10,000 rows: below the
 * rule (a Seq Scan of them for a few hundred ids is the planner's right choice at that size);
 * their list and search are watched by the Sort rule, and by this one at scale 1.
 */
export const SEQ_SCAN_MAX_ROWS = 10_000;
/**
 * A Sort node may sort at most this many rows (the actual rows of its input, all loops). A page
 * shows 50 rows by default and 200 at most (`limit`, shared/schema.ts); a short list of the
 * reference data (projects, grants, budget lines, users: a few hundred at national scale) may
 * be sorted whole. More than 1,000 means the order is not read from an index and the sort grows
 * with the data, though the page does not: 1,000 is 5× the biggest page and 20× the default one,
 * and still far below the 10,000 rows of the smallest table the Seq Scan rule watches.
 */
export const SORT_MAX_INPUT_ROWS = 1_000;

/**
 * Plans accepted on purpose. Each entry names the route pattern, the relation (or `Sort`) and
 * why the full read is right; keep the list short and every reason checkable. An entry that no
 * longer matches anything is reported, so the list cannot go stale.
 */
export const ACCEPTED: { route: string; node: 'Seq Scan' | 'Sort'; relation?: string; why: string }[] = [
  // Example of the form:
  // { route: '/admin/audit/verify', node: 'Seq Scan', relation: 'audit_events', why: 'verifies the whole chain, on demand' },
  ...['/participants', '/participants?cursor', '/participants?q=<common surname>'].map((route) => ({
    route,
    node: 'Sort' as const,
    relation: 'c.commune_name, c.commune_insee',
    why: 'the communes filter sorts the distinct communes of the people on file (1,239 at scale 0.1, about 2,000 at scale 1, at most the 35,000 of France), found by skipping along the commune index: it grows with the communes, not with the people (14 ms at both scales)',
  })),
];

export interface Statement {
  route: string;
  sql: string;
  bindings: readonly unknown[];
}

export interface Violation {
  route: string;
  node: 'Seq Scan' | 'Sort';
  relation: string;
  rows: number;
  sql: string;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Sort Key'?: string[];
  Plans?: PlanNode[];
}

/**
 * Listens to every statement the app's knex sends while a crawled request runs (the crawl is
 * sequential: what runs between `before` and `after` belongs to that request). Exports are
 * left out (their reads grow with their output).
 */
export function captureStatements(db: Knex) {
  const statements: Statement[] = [];
  let current: Target | null = null;
  const listener = (q: { sql: string; bindings?: readonly unknown[] }) => {
    if (current && current.kind !== 'export')
      statements.push({ route: current.pattern, sql: q.sql, bindings: q.bindings ?? [] });
  };
  db.on('query', listener);
  return {
    statements,
    before: (t: Target) => {
      current = t;
    },
    after: () => {
      current = null;
    },
    stop: () => db.removeListener('query', listener),
  };
}

const isRead = (sql: string) =>
  /^\s*(select|with)\b/i.test(sql) && !/\b(insert\s+into|update\s+\S+\s+set|delete\s+from)\b/i.test(sql);

function walk(node: PlanNode, visit: (n: PlanNode) => void) {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/**
 * Explains each distinct SELECT once (with the bindings it first ran with), each in its own
 * transaction rolled back, and returns the plans that break a rule, with every route that ran
 * the statement. `unexplained`: statements EXPLAIN refused (reported, not failed).
 */
export async function checkPlans(db: Knex, statements: Statement[]) {
  const sizes = new Map<string, number>(
    (
      (await db.raw(`SELECT relname, reltuples FROM pg_class WHERE relkind IN ('r', 'm', 'p')`)) as {
        rows: { relname: string; reltuples: number }[];
      }
    ).rows.map((r) => [r.relname, Number(r.reltuples)]),
  );
  const distinct = new Map<string, { bindings: readonly unknown[]; routes: Set<string> }>();
  for (const s of statements) {
    if (!isRead(s.sql)) continue;
    const seen = distinct.get(s.sql) ?? { bindings: s.bindings, routes: new Set<string>() };
    seen.routes.add(s.route);
    distinct.set(s.sql, seen);
  }
  const violations: Violation[] = [];
  const unexplained: { sql: string; error: string }[] = [];
  const used = new Set<number>();
  const connection = (await db.client.acquireConnection()) as {
    query(sql: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  };
  try {
    for (const [sql, { bindings, routes }] of distinct) {
      let plan: PlanNode;
      try {
        // The statement as the driver received it ($1…), with its values, in a transaction rolled
        // back: whatever it did (a sequence, a lock) is undone.
        await connection.query('BEGIN');
        const result = (await connection.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, bindings as unknown[])) as {
          rows: { 'QUERY PLAN': { Plan: PlanNode }[] }[];
        };
        plan = result.rows[0]['QUERY PLAN'][0].Plan;
      } catch (e) {
        unexplained.push({ sql, error: ((e as Error).message ?? String(e)).split('\n')[0].slice(0, 200) });
        continue;
      } finally {
        await connection.query('ROLLBACK');
      }
      const found: Omit<Violation, 'route'>[] = [];
      walk(plan, (node) => {
        if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) {
          const size = sizes.get(node['Relation Name']) ?? 0;
          if (size > SEQ_SCAN_MAX_ROWS)
            found.push({ node: 'Seq Scan', relation: node['Relation Name'], rows: size, sql });
        }
        if (/Sort$/.test(node['Node Type']) && node.Plans?.[0]) {
          const input = (node.Plans[0]['Actual Rows'] ?? 0) * (node.Plans[0]['Actual Loops'] ?? 1);
          if (input > SORT_MAX_INPUT_ROWS)
            found.push({ node: 'Sort', relation: (node['Sort Key'] ?? []).join(', '), rows: input, sql });
        }
      });
      for (const f of found)
        for (const route of routes) {
          const accepted = ACCEPTED.findIndex(
            (a) => a.route === route && a.node === f.node && (!a.relation || a.relation === f.relation),
          );
          if (accepted >= 0) used.add(accepted);
          else violations.push({ route, ...f });
        }
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
  const stale = ACCEPTED.filter((_, i) => !used.has(i));
  return { explained: distinct.size - unexplained.length, violations, unexplained, stale };
}

/** The violations as the lead's work list: route, node, relation (or sort key), rows, then the SQL. */
export function formatViolations(violations: Violation[]): string {
  const lines: string[] = [];
  const bySql = new Map<string, Violation[]>();
  for (const v of violations) bySql.set(v.sql, [...(bySql.get(v.sql) ?? []), v]);
  for (const [sql, vs] of bySql) {
    const routes = [...new Set(vs.map((v) => v.route))];
    const nodes = [
      ...new Set(
        vs.map(
          (v) =>
            `${v.node} ${v.node === 'Sort' ? `(${v.relation})` : v.relation}: ${v.rows.toLocaleString('en-US')} rows`,
        ),
      ),
    ];
    lines.push(
      `- ${nodes.join('; ')}\n  routes: ${routes.join(', ')}\n  sql: ${sql.replace(/\s+/g, ' ').slice(0, 400)}`,
    );
  }
  return lines.join('\n');
}
