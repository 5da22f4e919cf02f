import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createScratchDatabase, migrateLatest } from '../../server/shared/db.js';
import { bootstrap } from '../../server/bootstrap.js';
import { generateData } from '../../scripts/generate-data.js';
import { datasetKeys, depsFor, runBackgroundJobs, startApp } from '../../scripts/pages/app.js';
import { crawl, signInAll } from '../../scripts/pages/crawl.js';
import { captureStatements, checkPlans, formatViolations } from '../../scripts/pages/plans.js';

// Issue 16, item 4: every query a page or a list/detail API runs keeps a plan that does not
// grow with the data. The statements come from a crawl of the app as every role (two levels of
// links from `/`, every GET API of the OpenAPI document, the named heavy cases), so a new page
// or query is checked without anyone adding it here. Rules and the allowlist: scripts/pages/plans.ts.
describe('Query plans of every page and API on generated data (scale 0.1)', () => {
  it('when every page and API is crawled as every role @pg, then no SELECT reads a big table whole or sorts more than a page', async function () {
    const serverUrl = process.env.DATABASE_URL;
    if (!serverUrl) throw new Error('a @pg test needs DATABASE_URL');
    this.timeout(900_000);
    const scratch = await createScratchDatabase(serverUrl!, 'pbo_test_plans', 10);
    try {
      const t0 = performance.now();
      await migrateLatest(scratch.database.knex);
      const keys = datasetKeys('query-plans');
      const deps = depsFor(scratch.url, keys, scratch.database.knex, 'warn');
      await bootstrap(deps, { loadDemoData: false });
      await generateData(scratch.database.knex, deps.keyring, {
        scale: 0.1,
        seed: 42,
        quiet: true,
        config: deps.config,
      });
      await scratch.database.knex.raw('VACUUM ANALYZE');
      const t1 = performance.now();
      await scratch.database.close();
      const app = await startApp(scratch.url, keys);
      try {
        await runBackgroundJobs(app.deps);
        const clients = await signInAll(app.baseUrl, app.deps);
        const capture = captureStatements(app.deps.db);
        await crawl({ clients, db: app.deps.db, before: capture.before, after: capture.after });
        capture.stop();
        const t2 = performance.now();
        const result = await checkPlans(app.deps.db, capture.statements);
        const t3 = performance.now();
        const report = [
          `generated scale 0.1 + VACUUM ANALYZE in ${((t1 - t0) / 1000).toFixed(0)} s; crawl ${((t2 - t1) / 1000).toFixed(0)} s (${capture.statements.length} statements); ${result.explained} distinct SELECTs explained in ${((t3 - t2) / 1000).toFixed(0)} s`,
          `${result.violations.length} violations:`,
          formatViolations(result.violations),
        ].join('\n');
        fs.mkdirSync('test-results', { recursive: true });
        fs.writeFileSync(path.join('test-results', 'query-plans.txt'), `${report}\n`);
        process.stdout.write(`      ${report.split('\n')[0]}\n`);
        expect(result.explained, 'statements explained').to.be.greaterThan(50);
        expect(result.stale, 'allowlist entries that match nothing any more').to.deep.equal([]);
        expect(
          result.violations,
          `plans that grow with the data (test-results/query-plans.txt):\n${report}`,
        ).to.deep.equal([]);
      } finally {
        await app.close();
      }
    } finally {
      await scratch.drop();
    }
  });
});
