import { createScratchDatabase, migrateLatest, openEmbeddedDatabase, type Database } from '../../server/shared/db.js';

export interface TestDatabase {
  database: Database;
  /** Connection string of the fresh database (server runs only). */
  url: string | null;
  drop(): Promise<void>;
}

/**
 * The migrated schema as a PGlite dump, made once per test process (one in-memory database
 * created and migrated here). Loading it takes about a third of PGlite's initdb and the
 * migrations.
 */
let embeddedTemplate: Promise<Blob> | null = null;
function migratedDump(): Promise<Blob> {
  embeddedTemplate ??= (async () => {
    const database = await openEmbeddedDatabase(null);
    try {
      await migrateLatest(database.knex);
      return await database.dump();
    } finally {
      await database.close();
    }
  })();
  return embeddedTemplate;
}

/**
 * A fresh database for this test run: a new database on the PostgreSQL server named by
 * DATABASE_URL (dropped afterwards), or an in-memory PGlite when DATABASE_URL is unset (loaded
 * from the migrated dump, then migrated: a no-op unless a migration is newer than the dump).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const database = await openEmbeddedDatabase(null, { loadDataDir: await migratedDump() });
    await migrateLatest(database.knex);
    return { database, url: null, drop: () => database.close() };
  }
  const scratch = await createScratchDatabase(serverUrl, 'pbo_test', 20);
  await migrateLatest(scratch.database.knex);
  return scratch;
}
