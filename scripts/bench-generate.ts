// The data generator on a scratch database of the PostgreSQL server named by DATABASE_URL
// (created, loaded, checked by the invariant checker, dropped): rows/s of the load.
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres tsx scripts/bench-generate.ts [--scale 0.05] [--seed 42]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/config.js';
import { createKeyring } from '../server/shared/crypto.js';
import { createScratchDatabase, migrateLatest } from '../server/shared/db.js';
import { generateData } from './generate-data.js';
import { checkInvariants, formatInvariants, violationCount } from './fault/invariants.js';

const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('set DATABASE_URL to a PostgreSQL server');
const scratch = await createScratchDatabase(serverUrl, 'pbo_bench_gen', 10);
try {
  await migrateLatest(scratch.database.knex);
  // Audit keys and a checkpoint folder of this run only: the generated chain is verified below.
  const config = loadConfig({
    DATABASE_URL: serverUrl,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
    AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
    AUDIT_CHECKPOINT_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-bench-gen-')),
  });
  const summary = await generateData(scratch.database.knex, createKeyring('k1', { k1: randomBytes(32) }), {
    scale: option('scale', 0.05),
    seed: option('seed', 42),
    config,
  });
  for (const [table, count] of Object.entries(summary.counts))
    console.log(`  ${table.padEnd(22)} ${count.toLocaleString('en-US').padStart(12)}`);
  console.log(
    `Loaded in ${summary.seconds.toFixed(1)} s (${Math.round(summary.rowsPerSecond).toLocaleString('en-US')} rows/s).`,
  );
  const t0 = performance.now();
  const results = await checkInvariants(scratch.database.knex, { outboxDelivered: false, audit: config });
  console.log(`${formatInvariants(results)}\n  (checked in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  process.exitCode = violationCount(results) ? 1 : 0;
} finally {
  await scratch.drop();
}
