import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

/** A knex instance or a transaction: repositories accept either. */
export type Db = Knex | Knex.Transaction;

export interface Database {
  knex: Knex;
  /** `server` for a PostgreSQL server reached by DATABASE_URL, `embedded` for PGlite. */
  kind: 'server' | 'embedded';
  close(): Promise<void>;
}

// int8 (counts, sums, bigserial ids) as JS numbers: every value we store fits in 2^53.
pg.types.setTypeParser(20, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error('int8 value outside the safe integer range');
  return n;
});
// A DATE is a calendar day, not an instant: keep 'YYYY-MM-DD' rather than a Date at local midnight.
pg.types.setTypeParser(1082, (value: string) => value);

const here = path.dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = path.resolve(here, '../../db/migrations');

/**
 * Loads the migrations by dynamic import (knex's own loader cannot read .ts in an ESM package):
 * the TypeScript files under tsx, their compiled .js under dist/. Either way a migration is
 * recorded under its .ts name, so a database migrated by one runs with the other.
 */
export const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    return fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^\d{8}T\d{4}-.*\.[jt]s$/.test(f) && !f.endsWith('.d.ts'))
      .sort();
  },
  getMigrationName(name) {
    return name.replace(/\.js$/, '.ts');
  },
  async getMigration(name) {
    return import(pathToFileURL(path.join(MIGRATIONS_DIR, name)).href);
  },
};

export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = await knex.migrate.latest({ migrationSource });
  return applied as string[];
}

/** Raised when a second process tries to open an embedded data folder that is in use. */
export class DataDirLockedError extends Error {}

function lockPath(dataDir: string): string {
  return path.join(dataDir, 'service.lock');
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data folder's lock file. PGlite has no lock of its own and two processes on one
 * folder silently lose rows, so a second process must refuse to start.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && processAlive(pid) && pid !== process.pid) {
        throw new DataDirLockedError(
          `The data folder ${dataDir} is already used by another process (pid ${pid}). ` +
            'Stop that process first, or set DATA_DIR to another folder.',
        );
      }
      fs.unlinkSync(file); // left by a process that died: take it over
    }
  }
  throw new DataDirLockedError(`Could not lock the data folder ${dataDir}.`);
}

/** True when the embedded data folder has never been initialised. */
export function isFreshDataDir(dataDir: string): boolean {
  return !fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'));
}

export async function openServerDatabase(databaseUrl: string, poolMax = 10): Promise<Database> {
  const knex = knexFactory({
    client: 'pg',
    // JIT off: our statements read one page or one record through indexes; compiling them cost
    // 200–240 ms on the project dashboard at scale 1 (issue 16) for nothing gained.
    connection: { connectionString: databaseUrl, application_name: 'participation', options: '-c jit=off' },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
  });
  return { knex, kind: 'server', close: () => knex.destroy() };
}

export interface EmbeddedDatabase extends Database {
  kind: 'embedded';
  /** The whole data folder as a gzipped tar (PGlite's dumpDataDir), for `loadDataDir`. */
  dump(): Promise<Blob>;
}

/**
 * The contrib extensions the migrations create (btree_gist for the bookings' exclusion
 * constraint, pg_trgm for the search indexes), for every PGlite opened on a data folder: PGlite
 * ships them but loads only those it is given, and a folder whose schema uses one cannot be
 * opened without it.
 */
export async function pgliteExtensions() {
  const { btree_gist } = await import('@electric-sql/pglite/contrib/btree_gist');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  return { btree_gist, pg_trgm };
}

/**
 * Opens the embedded PostgreSQL (PGlite) in `dataDir/pgdata`, or in memory when `dataDir` is null.
 * One PGlite instance, a pool of one connection: always pass the transaction down. A new
 * folder is copied from `templateDir` (a migrated cluster) or, in memory, loaded from the
 * `loadDataDir` dump, instead of being created by initdb.
 */
export async function openEmbeddedDatabase(
  dataDir: string | null,
  options: { loadDataDir?: Blob; templateDir?: string } = {},
): Promise<EmbeddedDatabase> {
  const release = dataDir === null ? () => {} : acquireDataDirLock(dataDir);
  try {
    // A new folder starts as a copy of the migrated template's cluster (a cleanly closed one):
    // copied under the lock, to a temporary name renamed at the end, so that a crash mid-copy
    // leaves a folder that is still "fresh".
    if (dataDir !== null && options.templateDir && isFreshDataDir(dataDir)) {
      const target = path.join(dataDir, 'pgdata');
      const partial = `${target}.partial`;
      fs.rmSync(partial, { recursive: true, force: true });
      fs.rmSync(target, { recursive: true, force: true });
      fs.cpSync(options.templateDir, partial, { recursive: true });
      fs.renameSync(partial, target);
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
    const pglite = await PGlite.create(dataDir === null ? 'memory://' : path.join(dataDir, 'pgdata'), {
      extensions: await pgliteExtensions(),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    const pgConfig = createPgConfig(pglite);
    const knex = knexFactory({
      client: 'pg',
      connection: () => pgConfig as unknown as Knex.PgConnectionConfig,
      pool: { min: 1, max: 1 },
      acquireConnectionTimeout: 60_000,
    });
    return {
      knex,
      kind: 'embedded',
      dump: async () => pglite.dumpDataDir('gzip'),
      async close() {
        await knex.destroy();
        await pglite.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

/** `templateDir`: a new embedded folder starts as a copy of this cluster (the migrated template) instead of initdb. */
export async function openDatabase(
  config: { databaseUrl: string | null; dataDir: string },
  options: { templateDir?: string } = {},
): Promise<Database> {
  return config.databaseUrl ? openServerDatabase(config.databaseUrl) : openEmbeddedDatabase(config.dataDir, options);
}

/**
 * A new, empty database on a PostgreSQL server (for test runs and benchmarks), with `drop()`
 * to close it and remove it. `prefix` names it, with the process id and a random suffix.
 */
export async function createScratchDatabase(
  serverUrl: string,
  prefix: string,
  poolMax = 10,
): Promise<{ database: Database; url: string; drop(): Promise<void> }> {
  const { randomBytes } = await import('node:crypto');
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: { connectionString: serverUrl }, pool: { min: 0, max: 1 } });
  await admin.raw('CREATE DATABASE ??', [name]);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openServerDatabase(url.toString(), poolMax);
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close().catch(() => undefined);
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
      await admin.destroy();
    },
  };
}

/** SQLSTATEs after which PostgreSQL has rolled the whole transaction back and asks for a retry. */
const RETRYABLE = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure

/**
 * The one way the service opens a transaction (use cases, pages, idempotent routes): runs
 * `work` in a transaction, again (up to 3 times in all, after 50–150 ms) when the server
 * broke a deadlock or a serialization conflict by rolling it back: nothing of it was
 * written, and the next attempt sees the winner's commit. `work` must only write to the
 * database (side effects go through the outbox), so running it again is safe. Inside a
 * transaction (an idempotent route's, shared/http.ts) it runs in a savepoint and leaves the
 * retry to the outer transaction, the one the server rolled back.
 */
export async function inTransaction<T>(
  db: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
  attempts = 3,
): Promise<T> {
  if (db.isTransaction) return db.transaction(work);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (e) {
      if (attempt >= attempts || !RETRYABLE.has((e as { code?: string }).code ?? '')) throw e;
      await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 100)));
    }
  }
}
