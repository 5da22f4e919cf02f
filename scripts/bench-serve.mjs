// The serving process of scripts/bench-grants.ts: the compiled app (dist/, as `npm start` runs
// it, under plain Node) on a PostgreSQL server database, on a random port. Prints the port,
// samples its own RSS every 10 ms and, on stdin: `reset` (GC, restart the peak), `report` (prints
// idle and peak RSS), `quit`. Usage: node --expose-gc scripts/bench-serve.mjs <database url>
import { createInterface } from 'node:readline';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'server');
const load = (file) => import(pathToFileURL(path.join(dist, file)).href);
const url = process.argv[2];
const { loadConfig } = await load('config.js');
const { createLogger } = await load('shared/logger.js');
const { createKeyring } = await load('shared/crypto.js');
const { openServerDatabase } = await load('shared/db.js');
const { createApp } = await load('app.js');
const key = Buffer.alloc(32, 3);
const database = await openServerDatabase(url);
const deps = {
  db: database.knex,
  dbKind: 'server',
  keyring: createKeyring('k1', { k1: key }),
  log: createLogger('warn'),
  now: () => new Date(),
  config: loadConfig({
    PORT: '0',
    DATABASE_URL: url,
    ENCRYPTION_KEY: key.toString('base64'),
    LOG_LEVEL: 'warn',
    AUDIT_HMAC_KEY: Buffer.alloc(32, 4).toString('base64'),
    AUDIT_SIGNING_KEY: Buffer.alloc(32, 5).toString('base64'),
    AUDIT_CHECKPOINT_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-audit-checkpoints-')),
  }),
};
const server = await new Promise((resolve) => {
  const s = createApp(deps).listen(0, '127.0.0.1', () => resolve(s));
});
global.gc?.();
let peak = process.memoryUsage().rss;
const idle = peak;
setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 10).unref();
const address = server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'reset') {
    global.gc?.();
    peak = process.memoryUsage().rss;
  }
  if (line === 'report') process.stdout.write(`${JSON.stringify({ idle, peak })}\n`);
  if (line === 'quit') break;
}
server.closeAllConnections();
server.close();
await database.close();
process.exit(0);
