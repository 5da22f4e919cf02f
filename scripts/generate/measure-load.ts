// How to load generated rows fastest without pg-copy-streams: the same 200,000 rows (the
// shape of claim_lines) into an unlogged scratch table by (a) `COPY … FROM STDIN` through psql
// (the limit), (b) `INSERT … SELECT FROM unnest($1::text[], …)` chunks of 10,000 (what the
// generator uses), (c) multi-row `INSERT … VALUES` chunks of 1,000 (knex insert).
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres tsx scripts/generate/measure-load.ts [--rows 200000]
import { spawn } from 'node:child_process';
import { createScratchDatabase } from '../../server/shared/db.js';

const i = process.argv.indexOf('--rows');
const N = i >= 0 ? Number(process.argv[i + 1]) : 200_000;
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('set DATABASE_URL');
const scratch = await createScratchDatabase(serverUrl, 'pbo_measure_load', 2);
const db = scratch.database.knex;
const COLUMNS = [
  'id uuid',
  'claim_id uuid',
  'position integer',
  'kind text',
  'travel_date date',
  'category text',
  'input jsonb',
  'requested_cents integer',
  'eligible_cents integer',
  'explanation text',
];
const row = (k: number) => [
  `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
  `00000000-0000-4000-9000-${String(k >> 2).padStart(12, '0')}`,
  k % 4,
  'mileage',
  '2026-03-12',
  'mileage',
  JSON.stringify({ kind: 'mileage', distanceDeciKm: k % 900, fiscalPower: 'cv_5_or_less' }),
  k % 5000,
  k % 5000,
  'Données générées',
];
const reset = async () =>
  db.raw(`DROP TABLE IF EXISTS t; CREATE UNLOGGED TABLE t (${COLUMNS.join(', ')}, PRIMARY KEY (id))`);
const time = async (label: string, work: () => Promise<void>) => {
  await reset();
  const t0 = performance.now();
  await work();
  const s = (performance.now() - t0) / 1000;
  const [{ n }] = (await db.raw('SELECT count(*) AS n FROM t')).rows;
  console.log(
    `  ${label.padEnd(54)} ${s.toFixed(2).padStart(6)} s  ${Math.round(N / s)
      .toLocaleString('en-US')
      .padStart(9)} rows/s  (${Number(n).toLocaleString('en-US')} rows)`,
  );
  return s;
};
try {
  console.log(
    `loading ${N.toLocaleString('en-US')} rows of 10 columns (claim_lines' shape, primary key) into an unlogged table:`,
  );
  await time(
    'COPY FROM STDIN (psql, CSV)',
    () =>
      new Promise<void>((resolve, reject) => {
        const psql = spawn('psql', [scratch.url, '-qc', '\\copy t FROM STDIN WITH (FORMAT csv)'], {
          stdio: ['pipe', 'inherit', 'inherit'],
        });
        psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited ${code}`))));
        const csv = (v: unknown) => `"${String(v).replace(/"/g, '""')}"`;
        let buf = '';
        for (let k = 0; k < N; k++) {
          buf += `${row(k).map(csv).join(',')}\n`;
          if (buf.length > 1 << 20) {
            psql.stdin.write(buf);
            buf = '';
          }
        }
        psql.stdin.end(buf);
      }),
  );
  await time('INSERT … SELECT FROM unnest(text[]…), 10,000 a chunk', async () => {
    for (let from = 0; from < N; from += 10_000) {
      const cols: string[][] = COLUMNS.map(() => []);
      for (let k = from; k < Math.min(N, from + 10_000); k++) row(k).forEach((v, c) => cols[c].push(String(v)));
      await db.raw(
        `INSERT INTO t SELECT ${COLUMNS.map((c, j) => `c${j}::${c.split(' ')[1]}`).join(', ')} FROM unnest(${COLUMNS.map(() => '?::text[]').join(', ')}) AS u(${COLUMNS.map((_, j) => `c${j}`).join(', ')})`,
        cols as never,
      );
    }
  });
  await time('INSERT … VALUES (…), (…), 1,000 a chunk (knex)', async () => {
    const names = COLUMNS.map((c) => c.split(' ')[0]);
    for (let from = 0; from < N; from += 1000) {
      const rows = [];
      for (let k = from; k < Math.min(N, from + 1000); k++)
        rows.push(Object.fromEntries(row(k).map((v, c) => [names[c], v])));
      await db('t').insert(rows);
    }
  });
} finally {
  await scratch.drop();
}
