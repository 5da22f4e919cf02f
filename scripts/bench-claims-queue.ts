// Claims queue benchmark on a PostgreSQL server: generates N claims (default 1,000,000) in a
// fresh database with SQL (`INSERT … SELECT generate_series`), starts the app in-process and, in
// the same process on other ports, two bare Express routes: one running exactly the SQL the
// queue API runs (captured from `listClaims`, sent as JSON rows: no auth, validation or
// presenter) and one running no SQL at all (the ceiling of this client on this machine). Each
// target gets 64 concurrent keep-alive connections for 2 s of warm-up then 10 s of measure
// (autocannon, or fetch with --client fetch, from a worker thread so the client does not share the servers' event loop; the
// targets alternate in --rounds, 2 by default); prints
// req/s, p50, p99 and the ratio app / bare SQL route (target ≥ 70 %; both run the queue as a
// prepared statement). Prints figures; not a test.
// Usage:
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:claims -- [--n 1000000] [--seconds 10] [--rounds 2] [--connections 64] [--client autocannon|fetch]
import os from 'node:os';
import type { Server } from 'node:http';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import express from 'express';
import pg from 'pg';
import { randomToken, sha256Hex } from '../server/shared/crypto.js';
import { benchDatabase, fmt, seconds } from './bench-support.js';
import { createApp } from '../server/app.js';
import { listClaims } from '../server/claims/queue-repo.js';
import { preparedRows } from '../server/shared/prepared.js';
import type { ClaimListQuery } from '../server/claims/schemas.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
};
const n = arg('n', 1_000_000);
const measureSeconds = arg('seconds', 10);
const connections = arg('connections', 64);
const rounds = arg('rounds', 2);
const warmupSeconds = 2;
const POOL_MAX = 10; // the app's default pool (openServerDatabase); the bare SQL route gets the same
const PROJECTS = 24;
const participantsCount = Math.min(100_000, Math.max(1_000, Math.ceil(n / 10)));
const sessionsCount = PROJECTS * Math.min(210, Math.max(5, Math.ceil(n / 200 / PROJECTS))); // ~5,000 at 1M, a multiple of PROJECTS
const CHUNK = 100_000;

const bench = await benchDatabase('pbo_bench_claims', POOL_MAX);
const url = bench.url;
const barePool = new pg.Pool({ connectionString: url, max: POOL_MAX });

const servers: Server[] = [];
let cleaned = false;
const cleanup = async () => {
  if (cleaned) return;
  cleaned = true;
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  await barePool.end().catch(() => {});
  await bench.drop();
};
process.once('SIGINT', () => {
  process.stdout.write('\ninterrupted: dropping the benchmark database\n');
  void cleanup().finally(() => process.exit(130));
});

const listen = (app: express.Express) =>
  new Promise<string>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => {
      const a = s.address();
      resolve(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
    });
    s.keepAliveTimeout = 60_000;
    servers.push(s);
  });

interface LoadResult {
  latencies: number[];
  errors: number;
  elapsedMs: number;
  error?: string;
}

// The load client, run in a worker thread (plain JS: `eval`). undici's Agent when the package
// resolves, else the global fetch (undici inside Node, keep-alive by default).
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { url, headers, connections, warmupMs, durationMs } = workerData;
  let dispatcher;
  try { const u = await import('undici'); dispatcher = new u.Agent({ connections }); } catch { dispatcher = undefined; }
  const options = dispatcher ? { headers, dispatcher } : { headers };
  const run = async (ms) => {
    const end = performance.now() + ms;
    const latencies = [];
    let errors = 0;
    const loop = async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          const r = await fetch(url, options);
          await r.arrayBuffer();
          if (r.status === 200) latencies.push(performance.now() - t); else errors++;
        } catch { errors++; }
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: connections }, loop));
    return { latencies, errors, elapsedMs: performance.now() - started };
  };
  await run(warmupMs);
  parentPort.postMessage(await run(durationMs));
})().catch((e) => parentPort.postMessage({ latencies: [], errors: 0, elapsedMs: 0, error: String((e && e.stack) || e) }));
`;

// The same measure with autocannon (the default; `--client fetch` for the loop above): every
// 200 response's latency from autocannon's 'response' event, so rounds combine exactly.
const AUTOCANNON = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require(workerData.autocannonPath);
const { url, headers, connections, warmupMs, durationMs } = workerData;
const run = (ms) => new Promise((resolve, reject) => {
  const latencies = [];
  const started = performance.now();
  const instance = autocannon({ url, headers, connections, duration: Math.max(1, ms / 1000) }, (err, res) => {
    if (err) return reject(err);
    resolve({ latencies, errors: res.errors + res.timeouts + res.non2xx, elapsedMs: performance.now() - started });
  });
  instance.on('response', (_client, status, _bytes, responseTime) => { if (status === 200) latencies.push(responseTime); });
});
(async () => {
  await run(warmupMs);
  parentPort.postMessage(await run(durationMs));
})().catch((e) => parentPort.postMessage({ latencies: [], errors: 0, elapsedMs: 0, error: String((e && e.stack) || e) }));
`;
const clientKind = process.argv.includes('--client')
  ? process.argv[process.argv.indexOf('--client') + 1]
  : 'autocannon';
if (!['autocannon', 'fetch'].includes(clientKind)) throw new Error('--client must be autocannon or fetch');

const load = (target: string, headers: Record<string, string>, warmupMs: number, durationMs: number) =>
  new Promise<LoadResult>((resolve, reject) => {
    const autocannonPath = createRequire(import.meta.url).resolve('autocannon');
    const w = new Worker(clientKind === 'autocannon' ? AUTOCANNON : CLIENT, {
      eval: true,
      workerData: { url: target, headers, connections, warmupMs, durationMs, autocannonPath },
    });
    w.once('message', (m: LoadResult) => {
      void w.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
    w.once('error', reject);
  });

try {
  const { deps } = bench;
  const db = deps.db;

  // 1. Data, in SQL. Ids are md5-derived so rows can point to each other without lookups;
  // references are explicit (no counter). Foreign keys are not checked while loading
  // (session_replication_role = replica, superuser): the generator makes them consistent.
  const t0 = performance.now();
  await db.transaction(async (trx) => {
    await trx.raw('SET LOCAL session_replication_role = replica');
    await trx.raw(
      `INSERT INTO projects (id, name, participation_level, starts_on, status)
       SELECT md5('pr' || i)::uuid, 'Projet ' || (i + 1), (ARRAY['information', 'consultation', 'concertation', 'co_construction'])[1 + i % 4], (now() - interval '3 years')::date, 'active'
         FROM generate_series(0, ? - 1) AS i`,
      [PROJECTS],
    );
    await trx.raw(
      `INSERT INTO sessions (id, project_id, title, kind, starts_at, ends_at, status, capacity)
       SELECT md5('s' || s)::uuid, md5('pr' || (s % ?))::uuid, 'Atelier ' || s, 'workshop', st, st + interval '3 hours', 'held', 30
         FROM (SELECT s, now() - interval '3 years' + (s::float8 / ?) * interval '3 years' AS st FROM generate_series(0, ? - 1) AS s) x`,
      [PROJECTS, sessionsCount, sessionsCount],
    );
    await trx.raw(
      `INSERT INTO participants (id, reference, first_name, last_name, email, preferred_channel, last_contact_at, created_at)
       SELECT md5('p' || i)::uuid, 'B-' || lpad(i::text, 7, '0'), 'Prénom' || i, 'Nom' || i, 'p' || i || '@bench.example', 'email', now() - interval '30 days', now() - interval '4 years'
         FROM generate_series(1, ?) AS i`,
      [participantsCount],
    );
  });
  const perProject = sessionsCount / PROJECTS;
  for (let from = 1; from <= n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK - 1);
    await db.transaction(async (trx) => {
      await trx.raw('SET LOCAL session_replication_role = replica');
      await trx.raw('SELECT setseed(?)', [((from / CHUNK) % 997) / 997]);
      // Projects are skewed (the first holds ~20 % of the claims); each claim is for one session
      // of its project, created 1–21 days after it; recent claims (< 90 days) are mostly in
      // review, older ones mostly paid.
      await trx.raw(
        `WITH g AS (
           SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7, random() AS r8, random() AS r9
             FROM generate_series(?::int, ?::int) AS i
         ), h AS (
           SELECT g.*, floor(? * r1 * r1)::int AS pr, 1 + floor(r2 * ?)::int AS pa, floor(r3 * ?)::int AS k FROM g
         ), x AS (
           SELECT h.*, k * ? + pr AS sess, now() - interval '3 years' + ((k * ? + pr)::float8 / ?) * interval '3 years' AS dep FROM h
         ), y AS (
           SELECT x.*, least(now() - interval '1 minute', dep + interval '1 day' + r4 * interval '20 days') AS created FROM x
         ), z AS (
           SELECT y.*,
             CASE WHEN created > now() - interval '90 days' THEN
               CASE WHEN r5 < 0.40 THEN 'submitted' WHEN r5 < 0.50 THEN 'draft' WHEN r5 < 0.65 THEN 'approved' WHEN r5 < 0.70 THEN 'partially_approved'
                    WHEN r5 < 0.75 THEN 'rejected' WHEN r5 < 0.85 THEN 'in_batch' WHEN r5 < 0.90 THEN 'cancelled' ELSE 'paid' END
             ELSE
               CASE WHEN r5 < 0.78 THEN 'paid' WHEN r5 < 0.85 THEN 'rejected' WHEN r5 < 0.91 THEN 'partially_approved' WHEN r5 < 0.95 THEN 'cancelled'
                    WHEN r5 < 0.97 THEN 'approved' WHEN r5 < 0.98 THEN 'in_batch' WHEN r5 < 0.995 THEN 'submitted' ELSE 'draft' END
             END AS st,
             array_remove(ARRAY[CASE WHEN r6 < 0.12 THEN 'missing_receipt' END, CASE WHEN r7 < 0.06 THEN 'late' END, CASE WHEN r8 < 0.05 THEN 'over_cap' END,
                                CASE WHEN r9 < 0.02 THEN 'taxi' END, CASE WHEN r9 > 0.99 THEN 'reused_receipt' END], NULL) AS fl,
             200 + floor(r4 * r6 * 30000)::int AS req
           FROM y
         ), c AS (
           INSERT INTO claims (id, reference, participant_id, project_id, status, is_advance, departure_at, return_at, submitted_at, decided_at, cancelled_at,
                               flags, late, amount_requested_cents, amount_eligible_cents, amount_granted_cents, amount_to_pay_cents, created_at, updated_at)
           SELECT md5('c' || i)::uuid, 'RB-' || lpad(i::text, 8, '0'), md5('p' || pa)::uuid, md5('pr' || pr)::uuid, st, r3 < 0.03 AND st <> 'draft',
                  dep, dep + interval '3 hours',
                  CASE WHEN st <> 'draft' THEN created + interval '1 hour' END,
                  CASE WHEN st IN ('approved', 'partially_approved', 'rejected', 'in_batch', 'paid') THEN created + interval '5 days' END,
                  CASE WHEN st = 'cancelled' THEN created + interval '2 days' END,
                  fl, 'late' = ANY (fl), req, CASE WHEN 'over_cap' = ANY (fl) THEN req * 3 / 4 ELSE req END,
                  CASE st WHEN 'partially_approved' THEN req / 2 WHEN 'rejected' THEN 0 WHEN 'approved' THEN req WHEN 'in_batch' THEN req WHEN 'paid' THEN req END,
                  CASE st WHEN 'partially_approved' THEN req / 2 WHEN 'approved' THEN req WHEN 'in_batch' THEN req WHEN 'paid' THEN req END,
                  created, created
             FROM z
           RETURNING 1
         )
         INSERT INTO claim_sessions (claim_id, session_id) SELECT md5('c' || i)::uuid, md5('s' || sess)::uuid FROM z`,
        [from, to, PROJECTS, participantsCount, perProject, PROJECTS, PROJECTS, sessionsCount],
      );
    });
    process.stdout.write(`\rgenerating claims ${fmt(to)} / ${fmt(n)} (${seconds(performance.now() - t0)} s)`);
  }
  process.stdout.write('\n');
  await db.raw('VACUUM (ANALYZE) claims, claim_sessions, participants, sessions, projects');
  const loadMs = performance.now() - t0;

  // 2. A reader (finance) with an API token; the busiest project; the query the API runs.
  const adminRow = await db('users').first('password_hash');
  const [reader] = await db('users')
    .insert({
      email: 'finance@bench.example',
      name: 'Finance',
      roles: ['finance'],
      password_hash: adminRow.password_hash,
    })
    .returning('id');
  const secret = `pbo_${randomToken(32)}`;
  await db('api_tokens').insert({
    user_id: reader.id,
    name: 'bench',
    token_hash: sha256Hex(secret),
    prefix: secret.slice(0, 10),
    roles: ['finance'],
  });
  const projectId = ((await db.raw(`SELECT md5('pr0')::uuid AS id`)).rows[0] as { id: string }).id;
  const filter: ClaimListQuery = { status: 'submitted', projectId, limit: '50' };
  const captured: { sql: string; bindings: unknown[] }[] = [];
  const onQuery = (q: { sql: string; bindings?: unknown[] }) =>
    captured.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', onQuery);
  const reference = await listClaims(db, filter, deps.now());
  db.off('query', onQuery);
  if (captured.length !== 1) throw new Error(`listClaims ran ${captured.length} queries, expected 1`);
  const [{ sql, bindings }] = captured;
  const stats = (
    await db.raw(
      `SELECT count(*)::int AS claims, count(*) FILTER (WHERE project_id = ? AND status = 'submitted')::int AS matching FROM claims`,
      [projectId],
    )
  ).rows[0] as { claims: number; matching: number };
  const plan = (
    (await barePool.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, bindings)).rows as { 'QUERY PLAN': string }[]
  ).map((r) => r['QUERY PLAN']);
  const usesIndex =
    plan.some((l) => /Index (Only )?Scan/.test(l) && /claims/.test(l)) &&
    !plan.some((l) => /Seq Scan on claims/.test(l));

  // 3. The targets: the app, the bare route with the same SQL, the bare route without SQL.
  const appBase = await listen(createApp(deps));
  const bare = express();
  bare.get('/claims', async (_req, res, next) => {
    try {
      // The same prepared statement the app runs (server/shared/prepared.ts): planned once per connection.
      res.json((await barePool.query({ name: 'bare_queue', text: sql, values: bindings })).rows);
    } catch (e) {
      next(e);
    }
  });
  bare.get('/ok', (_req, res) => {
    res.json({ ok: true });
  });
  const bareBase = await listen(bare);
  const appUrl = `${appBase}/api/claims?status=submitted&projectId=${projectId}&limit=50`;
  const auth = { authorization: `Bearer ${secret}` };

  // Same rows from both (checked once, before measuring).
  const appFirst = (await (await fetch(appUrl, { headers: auth })).json()) as { items?: { id: string }[] };
  const bareFirst = (await (await fetch(`${bareBase}/claims`)).json()) as { id: string }[];
  const ids = (xs: { id: string }[]) => xs.map((x) => x.id).join(',');
  if (
    !appFirst.items ||
    appFirst.items.length !== 50 ||
    ids(appFirst.items) !== ids(bareFirst.slice(0, 50)) ||
    ids(reference.items) !== ids(appFirst.items)
  ) {
    throw new Error('the app and the bare SQL route do not return the same page of 50');
  }
  // The two reads of every queue request, prepared (as the app runs them) or planned each time.
  const meanMicros = async (work: () => Promise<unknown>, times = 2000) => {
    const t = performance.now();
    for (let i = 0; i < times; i++) await work();
    return ((performance.now() - t) * 1000) / times;
  };
  const tokenQuery = () =>
    db('api_tokens as t')
      .join('users as u', 'u.id', 't.user_id')
      .where('t.token_hash', sha256Hex(secret))
      .whereNull('t.revoked_at')
      .select('t.id', 't.roles', 'u.roles as user_roles')
      .limit(1);
  const lookups = {
    tokenPrepared: await meanMicros(() => preparedRows(db, tokenQuery())),
    tokenPlanned: await meanMicros(async () => tokenQuery()),
    queuePrepared: await meanMicros(() => barePool.query({ name: 'bare_queue', text: sql, values: bindings }), 500),
    queuePlanned: await meanMicros(() => barePool.query(sql, bindings), 500),
  };
  // One request with counts per status (what the queue page asks for), for information.
  const countsMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await (await fetch(`${appUrl}&counts=true`, { headers: auth })).arrayBuffer();
    countsMs.push(performance.now() - t);
  }

  const targets: { label: string; url: string; headers: Record<string, string> }[] = [
    { label: 'bare Express, no SQL (ceiling)', url: `${bareBase}/ok`, headers: {} },
    { label: 'bare Express + same SQL', url: `${bareBase}/claims`, headers: {} },
    { label: 'app GET /api/claims (token)', url: appUrl, headers: auth },
  ];
  // Rounds alternate the targets (2 × 5 s each by default) so that a change of load on a shared
  // machine during the run weighs on all of them alike.
  const acc = targets.map(() => ({ latencies: [] as number[], errors: 0, elapsedMs: 0 }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) {
      process.stdout.write(
        `round ${round + 1}/${rounds}: ${target.label} (${round === 0 ? warmupSeconds : 1} s warm-up + ${seconds((measureSeconds * 1000) / rounds)} s, ${connections} connections)…\n`,
      );
      const r = await load(
        target.url,
        target.headers,
        (round === 0 ? warmupSeconds : 1) * 1000,
        (measureSeconds * 1000) / rounds,
      );
      acc[i].latencies.push(...r.latencies);
      acc[i].errors += r.errors;
      acc[i].elapsedMs += r.elapsedMs;
    }
  }
  const results = targets.map((target, i) => {
    const sorted = acc[i].latencies.sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
    return {
      label: target.label,
      rps: sorted.length / (acc[i].elapsedMs / 1000),
      p50: pct(50),
      p99: pct(99),
      requests: sorted.length,
      errors: acc[i].errors,
    };
  });

  const [ceiling, bareSql, appRes] = results;
  const pad = (s: string, w: number) => s.padEnd(w);
  const num = (s: string, w: number) => s.padStart(w);
  console.log(
    `\nclaims queue benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, PostgreSQL server, pool ${POOL_MAX}, ${connections} connections, ${measureSeconds} s per target in ${rounds} rounds, ${clientKind === 'autocannon' ? 'autocannon 9 (worker thread)' : `fetch (${await undiciKind()})`}`,
  );
  console.log(
    `  generated ${fmt(n)} claims (${fmt(n)} claim_sessions, ${fmt(participantsCount)} participants, ${fmt(sessionsCount)} sessions, ${PROJECTS} projects) in ${seconds(loadMs)} s, with VACUUM ANALYZE`,
  );
  console.log(
    `  request: GET /api/claims?status=submitted&projectId=<busiest project>&limit=50 — ${fmt(stats.matching)} matching claims of ${fmt(stats.claims)}`,
  );
  console.log(`  plan (${usesIndex ? 'index scan' : 'NO INDEX SCAN ON claims'}):`);
  for (const line of plan) console.log(`    ${line}`);
  console.log(
    `  one at a time, mean of 2,000 (queue: 500): token lookup ${lookups.tokenPrepared.toFixed(0)} µs prepared vs ${lookups.tokenPlanned.toFixed(0)} µs planned each time; queue query ${lookups.queuePrepared.toFixed(0)} µs prepared vs ${lookups.queuePlanned.toFixed(0)} µs`,
  );
  console.log(
    `  with counts=true (one request at a time, 5 requests): p50 ${[...countsMs].sort((a, b) => a - b)[2].toFixed(1)} ms\n`,
  );
  console.log(
    `  ${pad('target', 34)}${num('req/s', 9)}${num('p50 ms', 9)}${num('p99 ms', 9)}${num('requests', 10)}${num('errors', 8)}`,
  );
  for (const r of results)
    console.log(
      `  ${pad(r.label, 34)}${num(fmt(r.rps), 9)}${num(r.p50.toFixed(1), 9)}${num(r.p99.toFixed(1), 9)}${num(fmt(r.requests), 10)}${num(String(r.errors), 8)}`,
    );
  const ratio = appRes.rps / bareSql.rps;
  console.log(`\n  app / bare SQL route: ${(ratio * 100).toFixed(0)} % (target ≥ 70 %) ${ratio >= 0.7 ? '✓' : '✗'}`);
  console.log(
    `  bare SQL route / ceiling: ${((bareSql.rps / ceiling.rps) * 100).toFixed(0)} %, app / ceiling: ${((appRes.rps / ceiling.rps) * 100).toFixed(0)} %`,
  );
} finally {
  // Requests the client cut at the end of a measure may still be running in the servers: let them end before the pools close.
  await new Promise((r) => setTimeout(r, 1500));
  await cleanup();
}

async function undiciKind(): Promise<string> {
  try {
    await import('undici' as string);
    return 'undici Agent';
  } catch {
    return 'global fetch, undici not installed';
  }
}
