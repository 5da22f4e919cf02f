// The query-plan check on an existing dataset (the @pg test generates its own):
// crawls as every role, explains every SELECT and prints the violations (scripts/pages/plans.ts).
// Usage: . /tmp/bench.env; tsx scripts/pages/check-plans.ts --database-url URL [--out file.txt]
// (the app signs in and writes sessions, tokens and audit events in that database).
import fs from 'node:fs';
import { keysFromEnv, startApp } from './app.js';
import { crawl, signInAll } from './crawl.js';
import { captureStatements, checkPlans, formatViolations } from './plans.js';

const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const url = option('database-url');
if (!url) throw new Error('--database-url URL: the dataset to check');
const app = await startApp(url, keysFromEnv());
try {
  await app.deps.db.raw('ANALYZE');
  const clients = await signInAll(app.baseUrl, app.deps);
  const capture = captureStatements(app.deps.db);
  const t0 = performance.now();
  await crawl({ clients, db: app.deps.db, before: capture.before, after: capture.after });
  capture.stop();
  const t1 = performance.now();
  const result = await checkPlans(app.deps.db, capture.statements);
  const report = [
    `query plans — ${new Date().toISOString().slice(0, 16)} UTC, ${new URL(url).pathname.slice(1)}: ${capture.statements.length} statements captured in ${((t1 - t0) / 1000).toFixed(0)} s, ${result.explained} distinct SELECTs explained in ${((performance.now() - t1) / 1000).toFixed(0)} s`,
    `${result.violations.length} violations (route × node):`,
    formatViolations(result.violations),
    ...(result.unexplained.length
      ? ['', 'not explained:', ...result.unexplained.map((u) => `- ${u.error}: ${u.sql.slice(0, 200)}`)]
      : []),
  ].join('\n');
  process.stdout.write(`${report}\n`);
  const out = option('out');
  if (out) fs.writeFileSync(out, `${report}\n`);
  process.exitCode = result.violations.length ? 1 : 0;
} finally {
  await app.close();
}
