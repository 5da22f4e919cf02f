// The app on a generated dataset, in-process, for the page benchmark and the query-plan check:
// its request log (server time per request id) kept in memory, its database handle given out
// (the plan check listens to its queries).
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/shared/logger.js';
import { keyringFromConfig } from '../../server/shared/crypto.js';
import { migrateLatest, openServerDatabase } from '../../server/shared/db.js';
import type { Deps } from '../../server/shared/deps.js';
import { createApp } from '../../server/app.js';
import { systemActing, withSettingsRead } from '../../server/shared/acting.js';
import { settingsLoader } from '../../server/settings/index.js';
import { compactExpenseRollups } from '../../server/grants/index.js';
import { refreshStaleGrantFigures } from '../../server/grant-reports/index.js';
import { refreshStaleProjectFigures } from '../../server/projects/index.js';
import { refreshRetentionForecast } from '../../server/privacy/index.js';

export interface Keys {
  ENCRYPTION_KEY: string;
  AUDIT_HMAC_KEY: string;
  AUDIT_SIGNING_KEY: string;
}

/**
 * Fixed keys for a dataset this benchmark generates, derived from its database name: a
 * dataset kept from an earlier run stays readable (its IBANs decrypt, its audit chain goes on).
 * Test data only, never real people.
 */
export function datasetKeys(database: string): Keys {
  const key = (what: string) => createHash('sha256').update(`pbo bench pages ${database} ${what}`).digest('base64');
  return {
    ENCRYPTION_KEY: key('encryption'),
    AUDIT_HMAC_KEY: key('audit hmac'),
    AUDIT_SIGNING_KEY: key('audit signing'),
  };
}

/** The keys of an existing dataset, from the environment (`. /tmp/bench.env`). */
export function keysFromEnv(): Keys {
  const { ENCRYPTION_KEY, AUDIT_HMAC_KEY, AUDIT_SIGNING_KEY } = process.env;
  if (!ENCRYPTION_KEY || !AUDIT_HMAC_KEY || !AUDIT_SIGNING_KEY)
    throw new Error('an existing dataset needs its keys: ENCRYPTION_KEY, AUDIT_HMAC_KEY and AUDIT_SIGNING_KEY');
  return { ENCRYPTION_KEY, AUDIT_HMAC_KEY, AUDIT_SIGNING_KEY };
}

export function depsFor(url: string, keys: Keys, db: Deps['db'], logLevel: string, sink?: Writable): Deps {
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: url,
    LOG_LEVEL: logLevel,
    AUDIT_CHECKPOINT_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pages-audit-')),
    ...keys,
  });
  return {
    db,
    dbKind: 'server',
    config,
    keyring: keyringFromConfig(config),
    log: createLogger(logLevel, sink),
    now: () => new Date(),
  };
}

export interface RunningApp {
  deps: Deps;
  baseUrl: string;
  /** Server time (ms, from the request log line) of a request, by its `X-Request-Id`. */
  serverMs(requestId: string): Promise<number | null>;
  close(): Promise<void>;
}

/** Migrates (a no-op unless the code is newer than the dataset) and starts the app on a free port. */
export async function startApp(url: string, keys: Keys): Promise<RunningApp> {
  const database = await openServerDatabase(url, 10);
  await migrateLatest(database.knex);
  const times = new Map<string, number>();
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) {
        if (!line.includes('"request"')) continue;
        try {
          const entry = JSON.parse(line) as { msg?: string; reqId?: string; ms?: number };
          if (entry.msg === 'request' && entry.reqId && typeof entry.ms === 'number') times.set(entry.reqId, entry.ms);
        } catch {
          // not a request line
        }
      }
      cb();
    },
  });
  const deps = depsFor(url, keys, database.knex, 'info', sink);
  const server: Server = await new Promise((resolve) => {
    const s = createApp(deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  return {
    deps,
    baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    async serverMs(requestId) {
      // The log line is written when the response has been handed to the socket: it may come
      // a moment after the client has read the body.
      for (let i = 0; i < 200 && !times.has(requestId); i++) await new Promise((r) => setTimeout(r, 1));
      const ms = times.get(requestId) ?? null;
      times.delete(requestId);
      return ms;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}

/**
 * What the service's jobs would have done on a dataset before anyone looks at it: the expense
 * rollups merged, the dashboards' whole-project and whole-grant figures and the retention
 * forecast computed (jobs
 * `expense-rollups` and `dashboard-figures`). Without it the first view of each dashboard would
 * compute them, a cost a running service pays in the background.
 */
export async function runBackgroundJobs(deps: Deps): Promise<void> {
  const acting = await withSettingsRead(systemActing({ now: deps.now(), settings: settingsLoader(deps.db) }));
  await compactExpenseRollups(deps.db);
  while ((await refreshStaleProjectFigures(deps, acting, 50)) > 0);
  while ((await refreshStaleGrantFigures(deps, acting, 50)) > 0);
  await refreshRetentionForecast(deps, acting);
}
