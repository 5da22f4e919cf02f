import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadConfig, type Config } from '../../server/config.js';
import { createLogger } from '../../server/shared/logger.js';
import { createKeyring } from '../../server/shared/crypto.js';
import type { Deps } from '../../server/shared/deps.js';
import { createApp } from '../../server/app.js';
import { bootstrap } from '../../server/bootstrap.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestContext {
  deps: Deps;
  baseUrl: string;
  testDb: TestDatabase;
  /** Every log line the app wrote during the run (JSON). */
  logs: string[];
  /** The clock used by the app; tests may move it. */
  clock: { now: Date | null };
  close(): Promise<void>;
}

let current: TestContext | null = null;

export const TEST_KEY = Buffer.alloc(32, 7).toString('base64');
/** Audit keys and checkpoint folder generated per test run (never a leftover of a previous run). */
export const TEST_AUDIT_ENV = {
  AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
  AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
  AUDIT_CHECKPOINT_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-audit-checkpoints-')),
};
export const LOG_FILE = path.resolve('test-results/app.log');

/** Builds the configuration the app sees in tests. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    PORT: '0',
    DATA_DIR: 'test-results/data',
    ENCRYPTION_KEY: TEST_KEY,
    LOG_LEVEL: 'info',
    ...TEST_AUDIT_ENV,
    ...overrides,
  });
}

/** One app and one fresh database for the whole run, shared by the test files. */
export async function startTestContext(): Promise<TestContext> {
  if (current) return current;
  const testDb = await createTestDatabase();
  const logs: string[] = [];
  fs.mkdirSync(path.dirname(LOG_FILE), { recursive: true });
  const logFile = fs.createWriteStream(LOG_FILE, { flags: 'w' });
  const sink = new Writable({
    write(chunk, _enc, cb) {
      const text = chunk.toString();
      logs.push(text);
      logFile.write(text);
      cb();
    },
  });
  const config = testConfig();
  const clock: { now: Date | null } = { now: null };
  const deps: Deps = {
    db: testDb.database.knex,
    dbKind: testDb.database.kind,
    config,
    keyring: createKeyring('k1', { k1: Buffer.from(TEST_KEY, 'base64') }),
    log: createLogger('info', sink),
    now: () => clock.now ?? new Date(),
  };
  await bootstrap(deps, { loadDemoData: true });
  const app = createApp(deps);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  current = {
    deps,
    baseUrl,
    testDb,
    logs,
    clock,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await testDb.drop();
      logFile.end();
      current = null;
    },
  };
  return current;
}

export function ctx(): TestContext {
  if (!current) throw new Error('test context not started (root hook missing?)');
  return current;
}
