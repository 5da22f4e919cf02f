import { createScratchDatabase, migrateLatest, openEmbeddedDatabase, type Database } from '../../server/shared/db.js';

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
  const scratch = await createScratchDatabase(serverUrl, 'pbo_test', 20);
  await migrateLatest(scratch.database.knex);
  return scratch;
}
