// `npm run bench:pages`: server time of every page and list/detail API on a generated dataset
// (issue 16). Generates the dataset of a scale in a database of the PostgreSQL server named by
// DATABASE_URL (`pbo_pages_s0_1`…), or reuses it when a previous run completed it, VACUUM
// ANALYZE, starts the app on it in-process, signs in with every role, crawls every page two
// levels of links from `/`, every GET API of the OpenAPI document and the named heavy cases
// (scripts/pages/crawl.ts), then requests each URL once to warm up and N times, and prints per
// route pattern p50/p95 of the server time (the `ms` of the app's request log line). --full:
// scales 0.1 and 1, with the growth (p50 ratio). Flags a route over 100 ms p95, or growing more
// than 1.5× (and more than 10 ms) when over 20 ms. Exports (CSV, PDF…) grow with their output:
// measured by name only, never flagged.
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:pages [-- --scale 0.1] [--full] [--n 10]
//   [--database-url URL]… (an existing dataset instead of generating one, one per scale; its keys
//   ENCRYPTION_KEY, AUDIT_HMAC_KEY, AUDIT_SIGNING_KEY in the environment) [--regenerate]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { openServerDatabase, migrateLatest } from '../server/shared/db.js';
import { bootstrap } from '../server/bootstrap.js';
import { generateData } from './generate-data.js';
import { datasetKeys, depsFor, keysFromEnv, runBackgroundJobs, startApp, type Keys } from './pages/app.js';
import { crawl, signInAll, type TargetKind } from './pages/crawl.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const full = args.includes('--full');
const scales = full ? [0.1, 1] : [Number(option('scale') ?? 0.1)];
const n = Number(option('n') ?? 10);
const given = args.flatMap((a, i) => (a === '--database-url' ? [args[i + 1]] : []));
const SEED = 42;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BASELINE_HEADING = '### Baseline, 7 December 2026';
/** Over this, a URL is requested twice after its warm-up instead of N times (the biggest batch took 30 s at scale 1). */
const SLOW_MS = 5_000;
const say = (line: string) => process.stdout.write(`${line}\n`);
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** The comment a completed dataset carries: a run stopped half-way is generated again. */
const marker = (scale: number) => `bench:pages dataset, scale ${scale}, seed ${SEED}, complete`;

async function dataset(scale: number): Promise<{ url: string; keys: Keys }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('set DATABASE_URL to a PostgreSQL server (the dataset is generated on it)');
  const name = `pbo_pages_s${String(scale).replace('.', '_')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const keys = datasetKeys(name);
  const admin = knexFactory({ client: 'pg', connection: { connectionString: serverUrl }, pool: { min: 0, max: 1 } });
  try {
    const found = (
      await admin.raw('SELECT shobj_description(oid, ?) AS comment FROM pg_database WHERE datname = ?', [
        'pg_database',
        name,
      ])
    ).rows[0] as { comment: string | null } | undefined;
    if (found?.comment === marker(scale) && !args.includes('--regenerate')) {
      say(`dataset: ${name} (scale ${scale}) reused`);
      return { url: url.toString(), keys };
    }
    if (found) await admin.raw('DROP DATABASE ?? WITH (FORCE)', [name]);
    await admin.raw('CREATE DATABASE ??', [name]);
    const database = await openServerDatabase(url.toString(), 10);
    try {
      await migrateLatest(database.knex);
      const deps = depsFor(url.toString(), keys, database.knex, 'warn');
      await bootstrap(deps, { loadDemoData: false });
      const t0 = performance.now();
      const summary = await generateData(database.knex, deps.keyring, {
        scale,
        seed: SEED,
        quiet: !process.stderr.isTTY,
        config: deps.config, // audit events linked into the chain, as the service records them
      });
      const t1 = performance.now();
      await database.knex.raw('VACUUM ANALYZE');
      say(
        `dataset: ${name} generated (scale ${scale}, seed ${SEED}): ${Object.values(summary.counts)
          .reduce((a, b) => a + b, 0)
          .toLocaleString(
            'en-US',
          )} rows in ${((t1 - t0) / 1000).toFixed(0)} s, VACUUM ANALYZE ${((performance.now() - t1) / 1000).toFixed(0)} s`,
      );
    } finally {
      await database.close();
    }
    await admin.raw(`COMMENT ON DATABASE ?? IS '${marker(scale)}'`, [name]);
    return { url: url.toString(), keys };
  } finally {
    await admin.destroy();
  }
}

interface RouteResult {
  kind: TargetKind;
  named: boolean;
  samples: number[];
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

async function measure(url: string, keys: Keys): Promise<Map<string, RouteResult>> {
  const app = await startApp(url, keys);
  try {
    const t0 = performance.now();
    await app.deps.db.raw('VACUUM ANALYZE');
    say(`  VACUUM ANALYZE in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const tJobs = performance.now();
    await runBackgroundJobs(app.deps);
    say(
      `  the service's background jobs (rollups merged, dashboard figures) in ${((performance.now() - tJobs) / 1000).toFixed(1)} s`,
    );
    const clients = await signInAll(app.baseUrl, app.deps);
    const t1 = performance.now();
    const targets = await crawl({ clients, db: app.deps.db, log: (l) => say(`  ${l}`) });
    say(`  crawl in ${((performance.now() - t1) / 1000).toFixed(1)} s; measuring…`);
    const byRole = new Map(clients.map((c) => [c.role, c]));
    const results = new Map<string, RouteResult>();
    let id = 0;
    const timed = async (target: (typeof targets)[number]) => {
      const requestId = `bench-pages-${process.pid}-${++id}`;
      const v = await byRole.get(target.role)!.get(target.url, requestId);
      const ms = await app.serverMs(requestId);
      if (v.status !== 200) say(`  ${target.pattern}: answered ${v.status} (${target.role})`);
      return ms;
    };
    for (const target of targets) {
      const warm = (await timed(target)) ?? 0;
      const result = results.get(target.pattern) ?? { kind: target.kind, named: !!target.named, samples: [] };
      results.set(target.pattern, result);
      for (let i = 0; i < (warm > SLOW_MS ? 2 : n); i++) {
        const ms = await timed(target);
        if (ms !== null) result.samples.push(ms);
      }
    }
    return results;
  } finally {
    await app.close();
  }
}

/** The baseline of issue 16 (docs/benchmarks.md), p95 by route and scale, printed beside each figure. */
function baseline(): Map<string, Record<string, number>> {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/benchmarks.md'), 'utf8');
  const at = doc.indexOf(BASELINE_HEADING);
  const out = new Map<string, Record<string, number>>();
  if (at < 0) return out;
  for (const line of doc.slice(at).split('\n').slice(1)) {
    const m = /^\| `(.+?)` \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|/.exec(line);
    if (m) out.set(m[1], { '0.1': Number(m[3]), '1': Number(m[5]) });
    else if (line.startsWith('#')) break;
  }
  return out;
}

const started = new Date();
const before = load();
const runs: { scale: number; results: Map<string, RouteResult> }[] = [];
for (const [i, scale] of scales.entries()) {
  const { url, keys } = given[i] ? { url: given[i], keys: keysFromEnv() } : await dataset(scale);
  say(`scale ${scale}: ${new URL(url).pathname.slice(1)}, load average ${load()}`);
  runs.push({ scale, results: await measure(url, keys) });
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const patterns = [...new Set(runs.flatMap((r) => [...r.results.keys()]))];
// Crawled patterns first, then the named cases (the baseline's order).
patterns.sort((a, b) => Number(runs[0].results.get(a)?.named ?? true) - Number(runs[0].results.get(b)?.named ?? true));
const header = ['route', ...runs.flatMap((r) => [`${r.scale} p50`, `${r.scale} p95`])];
if (runs.length > 1) header.push('growth (p50)');
const base = baseline();
header.push(...runs.map((r) => `baseline ${r.scale} p95`), 'flag');
const rows: string[][] = [];
let over = 0;
let growing = 0;
let worst = { route: '', p95: 0 };
for (const pattern of patterns) {
  const cells = [runs[0].results.get(pattern)?.kind === 'api' && pattern.startsWith('/') ? `GET ${pattern}` : pattern];
  const stats = runs.map((r) => {
    const s = [...(r.results.get(pattern)?.samples ?? [])].sort((a, b) => a - b);
    return { p50: percentile(s, 0.5), p95: percentile(s, 0.95), kind: r.results.get(pattern)?.kind };
  });
  for (const s of stats) cells.push(f1(s.p50), f1(s.p95));
  const flags: string[] = [];
  const exported = stats.some((s) => s.kind === 'export');
  const last = stats[stats.length - 1];
  if (!exported && last.p95 > 100) {
    flags.push('> 100 ms');
    over++;
  }
  if (last.p95 > worst.p95 && !exported) worst = { route: cells[0], p95: last.p95 };
  if (runs.length > 1) {
    const ratio = last.p50 / stats[0].p50;
    cells.push(Number.isFinite(ratio) ? `${ratio.toFixed(1)}×` : '–');
    if (!exported && last.p50 > 20 && ratio > 1.5 && last.p50 - stats[0].p50 > 10) {
      flags.push('grows');
      growing++;
    }
  }
  for (const r of runs) cells.push(f1(base.get(cells[0])?.[String(r.scale)] ?? NaN));
  if (exported) flags.push('export');
  cells.push(flags.join(', '));
  rows.push(cells);
}
const escape = (c: string) => c.replace(/\|/g, '\\|');
say(
  `\npage latency — ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; each URL 1 warm-up + ${n} requests (2 when the warm-up took over ${SLOW_MS / 1000} s), one client, server time (ms) from the request log; load average before ${before}, after ${load()}\n`,
);
say(`| ${header.join(' | ')} |`);
say(`|${header.map((_, i) => (i === 0 || i === header.length - 1 ? '---' : '---:')).join('|')}|`);
for (const r of rows)
  say(`| ${r.map((c, i) => (i === 0 && !c.includes('`') ? `\`${escape(c)}\`` : escape(c))).join(' | ')} |`);
const lastScale = runs[runs.length - 1].scale;
say(
  `\npages: ${rows.length} routes at scale ${lastScale}, ${over} over 100 ms p95${runs.length > 1 ? `, ${growing} growing over 1.5× from scale ${runs[0].scale}` : ''}; worst ${worst.route} p95 ${f1(worst.p95)} ms`,
);
