import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { migrateLatest, openEmbeddedDatabase, openServerDatabase, type Database } from '../../server/shared/db.js';

export interface TestDatabase {
  database: Database;
  /** Connection string of the fresh database (server runs only). */
  url: string | null;
  drop(): Promise<void>;
}

/**
 * A fresh database for this test run: a new database on the PostgreSQL server named by
 * DATABASE_URL (dropped afterwards), or an in-memory PGlite when DATABASE_URL is unset.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const database = await openEmbeddedDatabase(null);
    await migrateLatest(database.knex);
    return { database, url: null, drop: () => database.close() };
  }
  const name = `pbo_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: { connectionString: serverUrl }, pool: { min: 0, max: 1 } });
  await admin.raw('CREATE DATABASE ??', [name]);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openServerDatabase(url.toString(), 20);
  await migrateLatest(database.knex);
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
      await admin.destroy();
    },
  };
}
