import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import fc from 'fast-check';
import { ctx, testConfig } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { exportAudit, fetchBytes, grantScenario, type GrantScenario } from './helpers.js';
import { statementQuery } from '../../server/grant-reports/repo.js';
import { statementCsv, streamRows } from '../../server/grant-reports/statement.js';
import {
  CopyBinaryText,
  cancelBackend,
  copyPathAvailable,
  statementCsvByCopy,
} from '../../server/grant-reports/statement-copy.js';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { createScratchDatabase, migrateLatest, openServerDatabase } from '../../server/shared/db.js';
import { bootstrap } from '../../server/bootstrap.js';
import { createApp } from '../../server/app.js';
import { createKeyring, randomToken, sha256Hex } from '../../server/shared/crypto.js';
import { createLogger } from '../../server/shared/logger.js';
import type { Deps } from '../../server/shared/deps.js';

const read = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
  return Buffer.concat(chunks);
};
/** The statement as the cursor path writes it (PGlite's path, and the server's before COPY). */
const viaCursor = (deps: Deps, grantId: string, from: string, to: string) =>
  read(Readable.from(statementCsv(streamRows(deps, (trx) => statementQuery(trx, grantId, from, to)))));
const viaCopy = (deps: Deps, grantId: string, from: string, to: string) =>
  read(statementCsvByCopy(deps, grantId, from, to));

/** The texts a statement line takes from the database, all replaceable. */
async function setTexts(
  s: GrantScenario,
  t: { expenses: string[]; invoices: string[]; claims: string[]; participants: string[] },
) {
  const db = ctx().deps.db;
  const expenses = [s.expenses.e1, s.expenses.e2, s.expenses.e3, s.expenses.e5, s.expenses.e8];
  // References are unique: free the previous ones first.
  await db('expenses')
    .whereIn(
      'id',
      expenses.map((e) => e.id),
    )
    .update({ reference: db.raw('gen_random_uuid()::text') });
  await db('claims')
    .whereIn('id', [s.claims.r1.id, s.claims.r2.id, s.claims.r3.id])
    .update({ reference: db.raw('gen_random_uuid()::text') });
  await db('participants')
    .whereIn('id', [s.people.pa.id, s.people.pb.id])
    .update({ reference: db.raw('gen_random_uuid()::text') });
  for (const [i, e] of expenses.entries())
    await db('expenses').where({ id: e.id }).update({ reference: t.expenses[i], invoice_number: t.invoices[i] });
  for (const [i, c] of [s.claims.r1, s.claims.r2, s.claims.r3].entries())
    await db('claims').where({ id: c.id }).update({ reference: t.claims[i] });
  for (const [i, p] of [s.people.pa, s.people.pb].entries())
    await db('participants').where({ id: p.id }).update({ reference: t.participants[i] });
}

describe('statement CSV by COPY on the PostgreSQL server', () => {
  let s: GrantScenario;
  before(async function () {
    if (ctx().deps.dbKind !== 'server') return;
    s = await grantScenario();
    const db = ctx().deps.db;
    // More lines on G1: invoices without number or file, with or without a participant, on
    // every budget line, amounts of 5 cents, 1 euro and 1,234,567.89 euros.
    const lines = (await db('budget_lines').where({ grant_id: s.g1.id }).select('id', 'category', 'year')) as {
      id: string;
      category: string;
      year: number;
    }[];
    for (const [i, cents] of [5, 100, 123456789, 99, 1000, 7].entries()) {
      const line = lines[i % lines.length];
      const [e] = await db('expenses')
        .insert({
          project_id: s.p1.id,
          category: line.category,
          source: 'invoice',
          amount_cents: cents,
          incurred_on: `${line.year}-05-0${1 + i}`,
          status: 'actual',
          paid_on: `${line.year}-06-0${1 + (i % 3)}`,
          participant_id: i % 2 ? s.people.pc.id : null,
          invoice_number: i === 1 ? 'F;1 "a"\r\nb' : i === 2 ? 'ACME,=1+1' : '',
        })
        .returning(['id']);
      await db('expense_parts').insert({
        expense_id: e.id,
        grant_id: s.g1.id,
        budget_line_id: line.id,
        amount_cents: cents,
      });
    }
  });

  it('when the statement holds formula prefixes, separators, quotes, newlines, Unicode and empty fields @pg, then COPY writes the bytes the cursor path writes', async () => {
    const deps = ctx().deps;
    await setTexts(s, {
      expenses: ['=DEP-1', '+DEP;2', '-DEP"3', '@DEP\n4', '\tDEP-5'],
      invoices: ['', '', '=HYPERLINK("http://x.example")', '', '\rF-8; "guillemets"'],
      claims: ['R-é;€', 'R-"\r\n"', 'R-Łukasz Nguyễn 👍'],
      participants: ['-P 1', 'P\\2\t; ok'],
    });
    const cursor = await viaCursor(deps, s.g1.id, '2025-01-01', '2026-12-31');
    const copy = await viaCopy(deps, s.g1.id, '2025-01-01', '2026-12-31');
    expect(copy.toString('utf8')).to.equal(cursor.toString('utf8'));
    expect(copy.equals(cursor)).to.equal(true);
    const text = copy.toString('utf8');
    // A comma quotes a cell like a semicolon does (a reader guessing `,` as separator keeps one cell).
    expect(text).to.include(';"ACME,=1+1";');
    expect(text)
      .to.include("'=DEP-1;")
      .and.include('"\'+DEP;2"')
      .and.include('"R-""\r\n"""')
      .and.include('R-Łukasz Nguyễn 👍')
      .and.include(';1234567,89\r\n')
      .and.include(';0,05\r\n');
    // 11 paid parts of G1 in the period (5 of the scenario, 6 added) and their totals.
    expect(text).to.include(';;Total général;;;11 ligne(s);;1234898,60\r\n');
    // A period with nothing paid: the header and zero totals, the same way.
    expect(
      (await viaCopy(deps, s.g1.id, '2024-01-01', '2024-12-31')).equals(
        await viaCursor(deps, s.g1.id, '2024-01-01', '2024-12-31'),
      ),
    ).to.equal(true);
  });

  it('when the texts are random @pg, then COPY and the cursor path agree byte for byte', async function () {
    this.timeout(120_000);
    const deps = ctx().deps;
    const char = fc.oneof(
      fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ';', '"', "'", '\\', ' ', 'é', '€', '𝄞', 'a', '0'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\0'),
    );
    const text = (min: number) => fc.array(char, { minLength: min, maxLength: 12 }).map((cs) => cs.join(''));
    const unique = (n: number) => fc.uniqueArray(text(1), { minLength: n, maxLength: n });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          expenses: unique(5),
          invoices: fc.array(text(0), { minLength: 5, maxLength: 5 }),
          claims: unique(3),
          participants: unique(2),
        }),
        async (t) => {
          await setTexts(s, t);
          const copy = await viaCopy(deps, s.g1.id, '2025-01-01', '2026-12-31');
          const cursor = await viaCursor(deps, s.g1.id, '2025-01-01', '2026-12-31');
          expect(copy.toString('utf8')).to.equal(cursor.toString('utf8'));
          expect(copy.equals(cursor)).to.equal(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('when the statement is downloaded as CSV from the server @pg, then the route sends the COPY bytes and audits their hash as complete', async () => {
    const finance = await signedIn('finance');
    const r = await fetchBytes(finance, `/api/grants/${s.g1.id}/statement?from=2025-01-01&to=2026-12-31&format=csv`);
    expect(r.status).to.equal(200);
    expect(r.bytes.equals(await viaCursor(ctx().deps, s.g1.id, '2025-01-01', '2026-12-31'))).to.equal(true);
    const sha256 = createHash('sha256').update(r.bytes).digest('hex');
    const audit = await exportAudit('grant.statement_exported', s.g1.id, sha256);
    expect(audit.data).to.include({
      format: 'csv',
      bytes: r.bytes.length,
      completed: true,
      from: '2025-01-01',
      to: '2026-12-31',
    });
  });

  it('when the COPY framing arrives split at every byte, then the lines come out whole', () => {
    const row = (text: string) => {
      const b = Buffer.from(text, 'utf8');
      const h = Buffer.alloc(6);
      h.writeInt16BE(1, 0);
      h.writeInt32BE(b.length, 2);
      return Buffer.concat([h, b]);
    };
    const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
    const stream = Buffer.concat([header, row('a;b\r\n'), row(''), row('é"\r\n'), Buffer.from([0xff, 0xff])]);
    for (const size of [1, 2, 3, 5, 6, 7, 19, 20, stream.length]) {
      const parser = new CopyBinaryText();
      const out: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) out.push(parser.push(Buffer.from(stream.subarray(i, i + size))));
      expect(Buffer.concat(out).toString('utf8'), `chunks of ${size}`).to.equal('a;b\r\né"\r\n');
      expect(parser.done).to.equal(true);
    }
    expect(() => new CopyBinaryText().push(Buffer.from('PGCOPY\nnot the header'))).to.throw('header');
  });
});

describe('statement CSV by COPY: a client that goes away', () => {
  it('when the server database is not in UTF-8 @pg, then the statement CSV takes the cursor path (binary COPY would send its bytes unconverted)', async function () {
    this.timeout(30_000);
    expect(await copyPathAvailable(ctx().deps)).to.equal(true);
    expect(await copyPathAvailable({ db: ctx().deps.db, dbKind: 'embedded' })).to.equal(false);
    const name = `pbo_latin1_${process.pid}`;
    const admin = new pg.Client({ connectionString: ctx().testDb.url! });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.query(`CREATE DATABASE ${name} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
      const url = new URL(ctx().testDb.url!);
      url.pathname = `/${name}`;
      const latin1 = await openServerDatabase(url.toString(), 1);
      try {
        expect(await copyPathAvailable({ db: latin1.knex, dbKind: 'server' })).to.equal(false);
      } finally {
        await latin1.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    }
  });

  it('when a COPY is cancelled while the server is still working @pg, then the server stops at once (not at the first row)', async function () {
    this.timeout(30_000);
    const conn = new pg.Client({ connectionString: ctx().testDb.url! });
    await conn.connect();
    try {
      await conn.query('BEGIN');
      // A query that sends nothing for 30 s, as a sort of a million rows does before its first row.
      const copy = conn.query(copyStreams.to('COPY (SELECT pg_sleep(30)) TO STDOUT'));
      const outcome = (async () => {
        try {
          for await (const chunk of copy) void chunk;
          return 'finished';
        } catch (e) {
          return (e as { code?: string }).code;
        }
      })();
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      cancelBackend(conn);
      expect(await outcome).to.equal('57014'); // query_canceled
      expect(Date.now() - started).to.be.below(5000);
      await conn.query('ROLLBACK');
    } finally {
      await conn.end();
    }
  });

  it('when the client leaves while the COPY has sent nothing yet @pg, then the export cancels it at once', async function () {
    this.timeout(30_000);
    const s = await grantScenario();
    const db = ctx().deps.db;
    // The COPY waits on a lock: it sends nothing, as while it sorts a million rows.
    const locker = new pg.Client({ connectionString: ctx().testDb.url! });
    await locker.connect();
    const waiting = async () =>
      (
        await db.raw(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY%' AND state = 'active' AND pid <> pg_backend_pid()`,
        )
      ).rows[0].n as number;
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE expense_parts IN ACCESS EXCLUSIVE MODE');
      const stream = statementCsvByCopy(ctx().deps, s.g1.id, '2025-01-01', '2026-12-31');
      stream.on('error', () => {});
      stream.resume();
      for (let i = 0; i < 100 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await waiting(), 'the COPY is waiting').to.equal(1);
      stream.destroy();
      for (let i = 0; i < 100 && (await waiting()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await waiting(), 'the COPY was cancelled while the lock is still held').to.equal(0);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  });

  it('when the client aborts mid-download @pg, then the COPY stops, the only pool connection comes back and no audit claims completion', async function () {
    this.timeout(120_000);
    const scratch = await createScratchDatabase(ctx().testDb.url!, 'pbo_copy_abort', 1);
    let server: Server | null = null;
    try {
      const db = scratch.database.knex;
      await migrateLatest(db);
      const key = Buffer.alloc(32, 9);
      const deps: Deps = {
        ...ctx().deps,
        db,
        dbKind: 'server',
        keyring: createKeyring('k1', { k1: key }),
        log: createLogger('warn'),
        config: testConfig({ DATABASE_URL: scratch.url, ENCRYPTION_KEY: key.toString('base64') }),
      };
      await bootstrap(deps, { loadDemoData: false });
      // 200,000 paid parts of one grant (about 20 MB of CSV): more than every buffer on the way.
      await db.transaction(async (trx) => {
        await trx.raw('SET LOCAL session_replication_role = replica');
        await trx.raw(
          `INSERT INTO projects (id, name, participation_level, starts_on, ends_on, status) VALUES (md5('p')::uuid, 'Projet', 'consultation', '2025-01-01', '2025-12-31', 'active')`,
        );
        await trx.raw(
          `INSERT INTO grants (id, reference, funder, period_start, period_end, total_cents, cofunding_rate_bp, eligible_categories) VALUES (md5('g')::uuid, 'F-ABORT', 'Financeur', '2025-01-01', '2025-12-31', 100000000000, 5000, ARRAY['catering'])`,
        );
        await trx.raw(
          `INSERT INTO budget_lines (id, grant_id, category, year, amount_cents) VALUES (md5('l')::uuid, md5('g')::uuid, 'catering', 2025, 100000000000)`,
        );
        await trx.raw(`INSERT INTO expenses (reference, project_id, category, source, invoice_number, amount_cents, incurred_on, status, paid_on)
          SELECT 'DEP-A-' || lpad(i::text, 8, '0'), md5('p')::uuid, 'catering', 'invoice', 'F-' || i, 100 + i % 1000, date '2025-01-01' + i % 360, 'actual', date '2025-01-01' + i % 360 FROM generate_series(1, 200000) i`);
        await trx.raw(
          `INSERT INTO expense_parts (expense_id, grant_id, budget_line_id, amount_cents) SELECT id, md5('g')::uuid, md5('l')::uuid, amount_cents FROM expenses`,
        );
      });
      await db.raw('ANALYZE');
      const grantId = (await db.raw(`SELECT md5('g')::uuid AS id`)).rows[0].id as string;
      const [user] = await db('users')
        .insert({ email: 'finance@abort.example', name: 'Finance', roles: ['finance'], password_hash: 'x' })
        .returning('id');
      const secret = `pbo_${randomToken(32)}`;
      await db('api_tokens').insert({
        user_id: user.id,
        name: 'abort',
        token_hash: sha256Hex(secret),
        prefix: secret.slice(0, 10),
        roles: ['finance'],
      });
      server = await new Promise<Server>((resolve) => {
        const s = createApp(deps).listen(0, '127.0.0.1', () => resolve(s));
      });
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;

      const abort = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/api/grants/${grantId}/statement?format=csv`, {
        headers: { authorization: `Bearer ${secret}` },
        signal: abort.signal,
      });
      expect(res.status).to.equal(200);
      let received = 0;
      const reader = res.body!.getReader();
      while (received < 200_000) received += (await reader.read()).value!.length;
      // The COPY is running (and held back by the client, who reads no more).
      const copying = (state: string) =>
        ctx().deps.db.raw(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ? AND backend_type = 'client backend' AND query LIKE 'COPY%' AND state LIKE ?`,
          [new URL(scratch.url).pathname.slice(1), state],
        );
      const running = async () => (await copying('%')).rows[0].n as number;
      expect((await copying('active')).rows[0].n).to.equal(1);
      abort.abort();

      // The pool's only connection serves the next query (a leak would time out after 10 s).
      const started = Date.now();
      expect((await db.raw('SELECT 1 AS one')).rows[0].one).to.equal(1);
      expect(Date.now() - started).to.be.below(5000);
      for (let i = 0; i < 50 && (await running()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await running()).to.equal(0);
      // The export is audited as interrupted (bytes sent, not completed), never as complete.
      let audits: { data: { completed: boolean; bytes: number } }[] = [];
      for (let i = 0; i < 50 && audits.length === 0; i++) {
        audits = await db('audit_events')
          .where({ action: 'grant.statement_exported', record_id: grantId })
          .select('data');
        if (audits.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(audits).to.have.length(1);
      expect(audits[0].data.completed).to.equal(false);
      expect(audits[0].data.bytes).to.be.above(0);

      // And a whole download still works on that pool afterwards, ending with its totals.
      const full = await fetch(`http://127.0.0.1:${port}/api/grants/${grantId}/statement?format=csv`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      const text = Buffer.from(await full.arrayBuffer()).toString('utf8');
      expect(text.split('\r\n')).to.have.length(1 + 200_000 + 2 + 1);
      expect(text).to.match(/;;Total général;;;200000 ligne\(s\);;\d+,\d\d\r\n$/);
    } finally {
      if (server) {
        server.closeAllConnections();
        server.close();
      }
      await scratch.drop();
    }
  });
});
