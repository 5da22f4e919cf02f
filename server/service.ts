import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Deps } from './shared/deps.js';
import { isFreshDataDir, migrateLatest, openDatabase, type Database } from './shared/db.js';
import { keyringFromConfig } from './shared/crypto.js';
import { findPgliteTemplate } from './shared/pglite-template.js';
import { createLogger } from './shared/logger.js';

export interface Service {
  deps: Deps;
  database: Database;
  /** True when the embedded data folder was created by this start. */
  freshEmbedded: boolean;
}

/** Opens the database (server or embedded), applies pending migrations and builds the dependencies. */
export async function openService(config: Config, log: Logger): Promise<Service> {
  const freshEmbedded = !config.databaseUrl && isFreshDataDir(config.dataDir);
  const template = freshEmbedded ? await findPgliteTemplate() : null;
  const database = await openDatabase(config, template ? { templateDir: template } : {});
  try {
    const applied = await migrateLatest(database.knex);
    if (template)
      log.info({ migrationsAfterTemplate: applied.length }, 'embedded database created from the migrated template');
    if (applied.length) log.info({ migrations: applied.length }, 'migrations applied');
    const deps: Deps = {
      db: database.knex,
      dbKind: database.kind,
      config,
      keyring: keyringFromConfig(config),
      log,
      now: () => new Date(),
    };
    return { deps, database, freshEmbedded };
  } catch (e) {
    await database.close();
    throw e;
  }
}

/** Opens the service for one operator command (warnings and errors only in the log) and closes it after. */
export async function withService<T>(config: Config, fn: (s: Service) => Promise<T>): Promise<T> {
  const service = await openService(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel));
  try {
    return await fn(service);
  } finally {
    await service.database.close();
  }
}
