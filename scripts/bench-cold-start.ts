// Cold start on the embedded database: time from the start of the compiled service (node
// dist/server/main.js, what `npm start` runs once scripts/start.mjs has checked that dist/ is
// up to date — that check is timed apart) to the first 200 on /health, on a fresh data folder
// (created from the migrated template, first admin and demo data) and on the next start. The
// build itself (`npm run build`, which `npm ci` runs) is done first if needed and not timed.
// Prints figures; not a test. Usage: npx tsx scripts/bench-cold-start.ts [--runs 3]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 3) || 3;

async function startOnce(dataDir: string, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/server/main.js'], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/health`);
        if (r.status === 200) return performance.now() - started;
      } catch {
        /* not listening yet */
      }
      if (performance.now() - started > 60_000) throw new Error('no /health within 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

// @ts-expect-error plain JavaScript module without types
const { isStale } = (await import('./build.mjs')) as { isStale: () => boolean };
const checkStarted = performance.now();
const stale = isStale();
const checkMs = performance.now() - checkStarted;
if (stale) {
  console.log('dist/ is out of date: npm run build (not timed)');
  if (spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status !== 0) process.exit(1);
}

const fresh: number[] = [];
const warm: number[] = [];
for (let i = 0; i < runs; i++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-cold-'));
  const dataDir = path.join(dir, 'data');
  fresh.push(await startOnce(dataDir, 39000 + i));
  warm.push(await startOnce(dataDir, 39100 + i));
  fs.rmSync(dir, { recursive: true, force: true });
}
const fmt = (xs: number[]) =>
  `median ${(xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] / 1000).toFixed(2)} s (min ${(Math.min(...xs) / 1000).toFixed(2)}, max ${(Math.max(...xs) / 1000).toFixed(2)})`;
console.log(`cold start to first /health, embedded database, ${runs} runs, ${os.cpus().length} cores`);
console.log(`  fresh data folder (template + demo):   ${fmt(fresh)}   limit 10 s`);
console.log(`  existing data folder:                  ${fmt(warm)}   limit 3 s`);
console.log(`  (npm start's check that dist/ is up to date: ${checkMs.toFixed(0)} ms, not included)`);
