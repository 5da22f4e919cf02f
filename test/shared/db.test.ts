import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  acquireDataDirLock,
  createScratchDatabase,
  DataDirLockedError,
  migrateLatest,
  migrationSource,
  MIGRATIONS_DIR,
} from '../../server/shared/db.js';

describe('database', () => {
  it('when a second process opens a data folder in use, then it refuses with a clear message', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-lock-'));
    const release = acquireDataDirLock(dir);
    try {
      // Simulate another live process holding the lock: our parent's pid is alive.
      fs.writeFileSync(path.join(dir, 'service.lock'), String(process.ppid));
      expect(() => acquireDataDirLock(dir)).to.throw(DataDirLockedError, /already used by another process/);
    } finally {
      fs.writeFileSync(path.join(dir, 'service.lock'), String(process.pid));
      release();
    }
    expect(fs.existsSync(path.join(dir, 'service.lock'))).to.equal(false);
  });

  it('when the lock was left by a process that died, then it is taken over', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-lock-'));
    fs.writeFileSync(path.join(dir, 'service.lock'), '999999');
    const release = acquireDataDirLock(dir);
    expect(fs.readFileSync(path.join(dir, 'service.lock'), 'utf8')).to.equal(String(process.pid));
    release();
  });

  it('when migrations are named, then each follows the timestamped kebab-case convention', () => {
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) expect(f).to.match(/^\d{8}T\d{4}-[a-z0-9-]+\.ts$/);
  });

  it('@pg when every migration is rolled back and applied again on the real server, then both directions work', async function () {
    this.timeout(120_000);
    const scratch = await createScratchDatabase(process.env.DATABASE_URL!, 'pbo_migr', 2);
    const db = scratch.database;
    try {
      const tables = async () =>
        (
          await db.knex.raw(
            "SELECT table_name FROM information_schema.tables WHERE table_schema='public' AND table_name NOT LIKE 'knex_%' ORDER BY 1",
          )
        ).rows.map((r: { table_name: string }) => r.table_name);
      const applied = await migrateLatest(db.knex);
      expect(applied.length).to.equal(fs.readdirSync(MIGRATIONS_DIR).length);
      const full = await tables();
      // Down one at a time, so that each migration's down is exercised on its own.
      for (let i = 0; i < applied.length; i++) await db.knex.migrate.down({ migrationSource });
      expect(await tables()).to.deep.equal([]);
      const { rows } = await db.knex.raw(
        "SELECT count(*) AS n FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace WHERE s.nspname = 'public'",
      );
      expect(Number(rows[0].n)).to.equal(0);
      await migrateLatest(db.knex);
      expect(await tables()).to.deep.equal(full);
    } finally {
      await scratch.drop();
    }
  });
});
