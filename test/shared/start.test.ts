import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migrateLatest, openEmbeddedDatabase } from '../../server/shared/db.js';
import { buildPgliteTemplate, findPgliteTemplate } from '../../server/shared/pglite-template.js';

// What `npm start` runs on a new machine: the compiled service on a new embedded data folder,
// created from the migrated template. @process: these start processes and PGlite instances of
// their own, whatever the pass; the server pass runs them.

async function schemaOf(knex: Knex): Promise<unknown> {
  const rows = async (sql: string) => (await knex.raw(sql)).rows;
  return {
    columns: await rows(
      `select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns where table_schema = 'public' order by 1, 2`,
    ),
    constraints: await rows(
      `select conrelid::regclass::text as rel, conname, pg_get_constraintdef(oid) as def from pg_constraint where connamespace = 'public'::regnamespace order by 1, 2`,
    ),
    indexes: await rows(`select indexname, indexdef from pg_indexes where schemaname = 'public' order by 1`),
    functions: await rows(
      `select proname, pg_get_functiondef(oid) as def from pg_proc where pronamespace = 'public'::regnamespace order by 1`,
    ),
    triggers: await rows(
      `select tgname, tgrelid::regclass::text as rel from pg_trigger where not tgisinternal order by 1`,
    ),
    migrations: (await rows('select name from knex_migrations order by id')).map((r: { name: string }) => r.name),
  };
}

describe('Embedded database template and npm start @process', function () {
  this.timeout(240_000);
  let dir: string;
  let templateDir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-start-'));
    templateDir = path.join(dir, 'template');
    await buildPgliteTemplate(templateDir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a new data folder made from the template has the schema the migrations build, and nothing left to migrate', async () => {
    const template = await findPgliteTemplate(templateDir);
    expect(template).to.equal(path.join(templateDir, 'pgdata'));
    const fromTemplate = await openEmbeddedDatabase(path.join(dir, 'data'), { templateDir: template! });
    const plain = await openEmbeddedDatabase(null);
    try {
      expect(await migrateLatest(fromTemplate.knex)).to.deep.equal([]);
      await migrateLatest(plain.knex);
      const expected = await schemaOf(plain.knex);
      expect((expected as { migrations: string[] }).migrations.length).to.be.greaterThan(30);
      expect(await schemaOf(fromTemplate.knex)).to.deep.equal(expected);
      // A real folder on disk, usable after a restart.
      await fromTemplate
        .knex('users')
        .insert({ email: 'a@b.example', name: 'A', roles: ['admin'], password_hash: 'x' });
    } finally {
      await fromTemplate.close();
      await plain.close();
    }
    const reopened = await openEmbeddedDatabase(path.join(dir, 'data'));
    try {
      expect(await reopened.knex('users').pluck('email')).to.deep.equal(['a@b.example']);
    } finally {
      await reopened.close();
    }
  });

  it('ignores a template that does not match: changed migration, other PGlite version, missing cluster', async () => {
    const meta = JSON.parse(fs.readFileSync(path.join(templateDir, 'template.json'), 'utf8')) as {
      pglite: string;
      migrations: Record<string, string>;
    };
    const variant = (name: string, m: unknown, withCluster = true) => {
      const d = path.join(dir, name);
      if (withCluster) fs.cpSync(path.join(templateDir, 'pgdata'), path.join(d, 'pgdata'), { recursive: true });
      else fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'template.json'), JSON.stringify(m));
      return d;
    };
    const names = Object.keys(meta.migrations);
    expect(
      await findPgliteTemplate(
        variant('changed', { ...meta, migrations: { ...meta.migrations, [names[0]]: '0'.repeat(64) } }),
      ),
    ).to.equal(null);
    expect(
      await findPgliteTemplate(
        variant('removed', { ...meta, migrations: { ...meta.migrations, '20200101T0000-gone.ts': 'a'.repeat(64) } }),
      ),
    ).to.equal(null);
    expect(await findPgliteTemplate(variant('version', { ...meta, pglite: '0.0.1' }))).to.equal(null);
    expect(await findPgliteTemplate(variant('missing', meta, false))).to.equal(null);
    expect(await findPgliteTemplate(path.join(dir, 'nothing-here'))).to.equal(null);
    // An older template (fewer migrations than today) is still used: the rest apply on top.
    const older = variant('older', {
      ...meta,
      migrations: Object.fromEntries(names.slice(0, -1).map((n) => [n, meta.migrations[n]])),
    });
    expect(await findPgliteTemplate(older)).to.equal(path.join(older, 'pgdata'));
  });

  it('npm start (scripts/start.mjs) serves the compiled app on a new embedded folder: health, sign-in, pages and assets', async () => {
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      env: {
        ...process.env,
        DATABASE_URL: '',
        DATA_DIR: path.join(dir, 'started'),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DEMO_DATA: 'never',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 200_000;
      while (!/Generated password[^:]*: (\S+)/.test(out)) {
        if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}: ${err}`);
        if (Date.now() > deadline) throw new Error(`no start-up banner: ${out} ${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const url = /listening on (\S+)/.exec(out)![1];
      const email = /First administrator: (\S+)/.exec(out)![1];
      const password = /Generated password[^:]*: (\S+)/.exec(out)![1];
      expect(out).to.not.match(/Demo data loaded/);

      const health = await fetch(`${url}/health`);
      expect(health.status).to.equal(200);
      expect(await health.json()).to.deep.include({ status: 'ok', db: 'ok' });
      const login = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      expect(login.status).to.equal(200);
      expect((await login.json()).user.email).to.equal(email);
      const page = await fetch(`${url}/login`);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.match(/<form[^>]*method="post"/i);
      const css = await fetch(`${url}/assets/app.css`);
      expect(css.status).to.equal(200);
      expect((await css.text()).length).to.be.greaterThan(100);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
  });
});
