// Retention benchmark on a PostgreSQL server: generates N participants (half with a last
// contact three years old) in a fresh database, starts the app in-process, then measures
// `retention --apply` (participants/s, erased rows/s) and the p50/p99 latency of an
// authenticated API list (GET /api/users?limit=50 with a token) while idle and during the run.
// Prints figures; not a test. Usage:
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:retention -- [--n 100000] [--batch 500]
import os from 'node:os';
import type { Server } from 'node:http';
import { randomToken, sha256Hex } from '../server/shared/crypto.js';
import { benchDatabase, fmt, seconds } from './bench-support.js';
import { createApp } from '../server/app.js';
import { startRetentionRun, type RetentionResult } from '../server/privacy/index.js';
import { systemActing, withSettingsRead } from '../server/shared/acting.js';
import { settingsLoader } from '../server/settings/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
};
const n = arg('n', 100_000);
const batchSize = arg('batch', 500);
const bench = await benchDatabase('pbo_bench');
const { deps } = bench;

let server: Server | null = null;
try {
  const db = deps.db;

  // 1. Data: participants with contact, needs and profile; a consent each; a payee for one in four.
  // References are given in SQL: no round trip to the reference counter per row.
  let t = performance.now();
  for (let from = 1; from <= n; from += 10_000) {
    const to = Math.min(n, from + 9_999);
    await db.raw(
      `INSERT INTO participants (reference, first_name, last_name, email, phone, address_line1, postal_code, commune_insee, commune_name, preferred_channel, needs, profile_age_band, last_contact_at, created_at)
       SELECT 'B-' || lpad(i::text, 7, '0'), 'Prénom' || i, 'Nom' || i, 'p' || i || '@bench.example', '06' || lpad(i::text, 8, '0'), i || ' rue du Banc', '26000', '26362', 'Valence', 'email',
              CASE WHEN i % 5 = 0 THEN '{step_free_access}'::text[] ELSE '{}'::text[] END, '30-44',
              CASE WHEN i % 2 = 0 THEN now() - interval '3 years' ELSE now() - interval '30 days' END, now() - interval '4 years'
         FROM generate_series(?::int, ?::int) AS i`,
      [from, to],
    );
    process.stdout.write(`\rgenerating participants ${fmt(to)} / ${fmt(n)}`);
  }
  await db.raw(`INSERT INTO consents (participant_id, purpose_code, legal_basis, text_version, channel, given_on)
                SELECT id, 'contact', 'consent', 1, 'paper', (last_contact_at AT TIME ZONE 'Europe/Paris')::date FROM participants`);
  await db.raw(`INSERT INTO payees (participant_id, kind, name, iban_ciphertext, iban_key_id, iban_hash, iban_masked, bic)
                SELECT id, 'participant', first_name || ' ' || last_name, md5(id::text), 'k1', md5(id::text || 'h'), 'FR76 •••• •••• ••12 34', 'AGRIFRPP'
                  FROM participants WHERE get_byte(uuid_send(id), 0) % 4 = 0`);
  await db.raw('ANALYZE');
  const generation = performance.now() - t;
  process.stdout.write('\n');

  // 2. The app in-process, an admin API token, a latency sampler (2 clients in a loop).
  const app = createApp(deps);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const adminRow = await db('users').first('id');
  const secret = `pbo_${randomToken(32)}`;
  await db('api_tokens').insert({
    user_id: adminRow.id,
    name: 'bench',
    token_hash: sha256Hex(secret),
    prefix: secret.slice(0, 10),
    roles: ['admin'],
  });
  const sample = async (until: () => boolean, minRequests = 0): Promise<number[]> => {
    const times: number[] = [];
    const client = async () => {
      while (!until() || times.length < minRequests) {
        const started = performance.now();
        const r = await fetch(`${base}/api/users?limit=50`, { headers: { authorization: `Bearer ${secret}` } });
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`API answered ${r.status}`);
        times.push(performance.now() - started);
      }
    };
    await Promise.all([client(), client()]);
    return times;
  };
  const pct = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

  const idleEnd = performance.now() + 5_000;
  const idle = await sample(() => performance.now() > idleEnd, 200);

  // 3. Dry run, then apply, the same way as the API and the CLI (a job, batches, audit).
  const acting = () =>
    withSettingsRead(systemActing({ now: deps.now(), settings: settingsLoader(deps.db), runId: 'bench' }));
  t = performance.now();
  const dry = (
    await (
      await startRetentionRun(deps, await acting(), { mode: 'dry_run', trigger: 'cli', batchSize })
    ).finished
  ).result as RetentionResult;
  const dryMs = performance.now() - t;
  let running = true;
  t = performance.now();
  const run = await startRetentionRun(
    deps,
    await acting(),
    { mode: 'apply', trigger: 'cli', batchSize },
    (done, total) => {
      process.stdout.write(`\rapplying retention ${fmt(done)} / ${fmt(total)}`);
    },
  );
  const during = sample(() => !running);
  const job = await run.finished;
  const applyMs = performance.now() - t;
  running = false;
  const busy = await during;
  process.stdout.write('\n');
  const result = job.result as RetentionResult;
  if (job.status !== 'completed') throw new Error(`retention job ${job.status}`);
  const people = result.participants.archive + result.participants.anonymise;
  const erasedRows = Object.values(result.erased)
    .flatMap((tables) => Object.values(tables))
    .flatMap((cats) => Object.values(cats))
    .reduce((s, x) => s + (x ?? 0), 0);

  console.log(
    `\nretention benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, PostgreSQL server, batch ${batchSize}`,
  );
  console.log(
    `  generated ${fmt(n)} participants (${fmt(n / 2)} due), consents and payees in ${seconds(generation)} s`,
  );
  console.log(
    `  dry run: ${fmt(dry.participants.anonymise + dry.participants.archive)} participants counted in ${seconds(dryMs)} s`,
  );
  console.log(
    `  apply:   ${fmt(people)} participants anonymised in ${seconds(applyMs)} s → ${fmt(people / (applyMs / 1000))} participants/s, ${fmt(erasedRows / (applyMs / 1000))} erased rows·categories/s`,
  );
  console.log(`  GET /api/users?limit=50 (token), 2 clients:`);
  console.log(
    `    idle:   p50 ${pct(idle, 50).toFixed(1)} ms, p99 ${pct(idle, 99).toFixed(1)} ms (${idle.length} requests)`,
  );
  console.log(
    `    during: p50 ${pct(busy, 50).toFixed(1)} ms, p99 ${pct(busy, 99).toFixed(1)} ms (${busy.length} requests)`,
  );
} finally {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await bench.drop();
}
