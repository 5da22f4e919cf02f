// What the benchmark scripts share: a scratch database on the server named by DATABASE_URL,
// migrated and bootstrapped, with the dependencies the app needs.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/shared/logger.js';
import { createKeyring } from '../server/shared/crypto.js';
import { createScratchDatabase, migrateLatest } from '../server/shared/db.js';
import type { Deps } from '../server/shared/deps.js';
import { bootstrap } from '../server/bootstrap.js';

export async function benchDatabase(prefix: string, poolMax = 10) {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl)
    throw new Error('set DATABASE_URL to a PostgreSQL server (a fresh database is created on it, then dropped)');
  const scratch = await createScratchDatabase(serverUrl, prefix, poolMax);
  try {
    await migrateLatest(scratch.database.knex);
    const key = randomBytes(32);
    const deps: Deps = {
      db: scratch.database.knex,
      dbKind: 'server',
      config: loadConfig({
        PORT: '0',
        DATABASE_URL: scratch.url,
        ENCRYPTION_KEY: key.toString('base64'),
        LOG_LEVEL: 'warn',
        AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
        AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
        AUDIT_CHECKPOINT_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-audit-checkpoints-')),
      }),
      keyring: createKeyring('k1', { k1: key }),
      log: createLogger('warn'),
      now: () => new Date(),
    };
    await bootstrap(deps, { loadDemoData: false });
    return { ...scratch, deps };
  } catch (e) {
    await scratch.drop();
    throw e;
  }
}

export const seconds = (ms: number) => (ms / 1000).toFixed(1);
export const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
