import type { Server } from 'node:http';
import fs from 'node:fs';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './shared/logger.js';
import { DataDirLockedError } from './shared/db.js';
import { openService } from './service.js';
import { bootstrap } from './bootstrap.js';
import { createApp } from './app.js';
import { startBackgroundJobs } from './jobs/scheduler.js';
import { DEMO_PASSWORD } from './demo/index.js';

/** Operator-facing lines (start-up banner, first credentials): stdout, not the JSON log. */
const say = (line: string) => process.stdout.write(`${line}\n`);

// Variables from ./.env, if present (the environment wins).
if (fs.existsSync('.env')) process.loadEnvFile('.env');

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  let service;
  try {
    service = await openService(config, log);
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const { deps, database, freshEmbedded } = service;
  const loadDemoData = freshEmbedded && config.demoData === 'auto';
  const boot = await bootstrap(deps, { loadDemoData });

  const app = createApp(deps);
  const server: Server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.publicUrl.replace(`:${config.port}`, `:${port}`);
  const jobs = startBackgroundJobs(deps);

  say(
    `Participation back-office listening on ${url} (database: ${database.kind === 'embedded' ? `embedded, ${config.dataDir}` : 'PostgreSQL server'})`,
  );
  if (boot.admin) {
    say(`First administrator: ${boot.admin.email}`);
    if (boot.admin.password) say(`Generated password (shown once, change it after signing in): ${boot.admin.password}`);
    say(`Sign in at ${url}/login`);
  }
  if (boot.demoLoaded) say(`Demo data loaded: demo accounts (see README) use the password ${DEMO_PASSWORD}`);
  if (database.kind === 'embedded')
    say('The embedded database is for trying the product: production uses a PostgreSQL server (DATABASE_URL).');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    jobs.stop();
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await jobs.done();
    await database.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`Could not start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  createLogger('error').error({ err: e }, 'start failed');
  process.exit(1);
});
