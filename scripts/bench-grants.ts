// Grant reports benchmark on a PostgreSQL server: generates N claim lines (default 1,000,000)
// turned into expenses and their parts (INSERT … SELECT generate_series) on one project funded
// by two grants (60 % and 30 %), then prints:
// 1. the budget report (grantDashboard, the dashboard's query path) vs the same SQL run bare
//    on a pg client (target ratio ≤ 1.2);
// 2. the statement CSV of the whole grant (every part: N lines) downloaded over HTTP from the
//    compiled app (dist/, scripts/bench-serve.mjs) in a child process vs `COPY (same query) TO
//    STDOUT` through psql (target ratio ≤ 2), and the child's peak RSS sampled every 10 ms
//    (target ≤ 150 MB);
// 3. a ~10,000-line statement PDF (statementPdf, rows read from the database) vs pdf-lib drawing
//    the same lines (cells wrapped beforehand, untimed) with the same font (DejaVu Sans, subset)
//    with no logic (target ratio ≤ 1.5).
// Prints figures; not a test. Usage:
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:grants -- [--lines 1000000] [--runs 5]
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { PDFDocument, rgb } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
};
const MB = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

await main();

async function main() {
  const { benchDatabase, fmt, seconds } = await import('./bench-support.js');
  const { randomToken, sha256Hex } = await import('../server/shared/crypto.js');
  const { grantDashboard } = await import('../server/grant-reports/dashboard.js');
  const { systemActing } = await import('../server/shared/acting.js');
  const { settingsLoader } = await import('../server/settings/index.js');
  const { getGrant, statementQuery } = await import('../server/grant-reports/repo.js');
  const { statementPdf, streamRows, statementCells, PDF_COLUMNS } =
    await import('../server/grant-reports/statement.js');
  const { PdfDocument } = await import('../server/shared/pdf.js');
  const { formatCents } = await import('../server/shared/money.js');

  const n = arg('lines', 1_000_000);
  const runs = arg('runs', 5);
  const CHUNK = 200_000;
  const participants = Math.min(100_000, Math.max(1_000, Math.ceil(n / 10)));
  const bench = await benchDatabase('pbo_bench_grants');
  const { deps, url } = bench;
  const db = deps.db;
  let child: ReturnType<typeof spawn> | null = null;
  try {
    // 1. Data. Ids are md5-derived; references explicit; foreign keys unchecked while loading
    // (session_replication_role = replica): the generator keeps them consistent. One claim per
    // two lines; every line paid (so the statement holds N lines), 2025-01-01 to 2027-12-31.
    const t0 = performance.now();
    await db.transaction(async (trx) => {
      await trx.raw('SET LOCAL session_replication_role = replica');
      await trx.raw(
        `INSERT INTO projects (id, name, participation_level, starts_on, ends_on, status) VALUES (md5('project')::uuid, 'Projet du banc', 'consultation', '2025-01-01', '2027-12-31', 'active')`,
      );
      await trx.raw(`INSERT INTO sessions (id, project_id, title, kind, starts_at, ends_at, status, capacity)
        SELECT md5('s' || i)::uuid, md5('project')::uuid, 'Atelier ' || i, 'workshop', t, t + interval '3 hours', 'held', 30
          FROM (SELECT i, timestamptz '2025-01-06 14:00+01' + i * interval '7 days' AS t FROM generate_series(0, 149) AS i) x`);
      await trx.raw(
        `INSERT INTO participants (id, reference, first_name, last_name, email, preferred_channel, last_contact_at, created_at)
        SELECT md5('p' || i)::uuid, 'P-B-' || lpad(i::text, 7, '0'), 'Prénom' || i, 'Nom' || i, 'p' || i || '@bench.example', 'email', now(), now() FROM generate_series(1, ?) AS i`,
        [participants],
      );
      await trx.raw(
        `INSERT INTO session_participants (session_id, participant_id, status, walk_in)
        SELECT md5('s' || (i % 150))::uuid, md5('p' || i)::uuid, 'attended', true FROM generate_series(1, ?) AS i`,
        [participants],
      );
      for (const [g, funder, rate] of [
        ['g1', 'Pacte des solidarités (banc)', 5000],
        ['g2', 'Second financeur (banc)', 3000],
      ] as const) {
        await trx.raw(
          `INSERT INTO grants (id, reference, funder, period_start, period_end, total_cents, cofunding_rate_bp, eligible_categories)
          VALUES (md5(?)::uuid, ?, ?, '2025-01-01', '2027-12-31', 100000000000, ?, ARRAY['transport', 'mileage', 'childcare', 'meals'])`,
          [g, `F-BENCH-${g}`, funder, rate],
        );
        await trx.raw(
          `INSERT INTO budget_lines (id, grant_id, category, year, amount_cents)
          SELECT md5(? || c || y)::uuid, md5(?)::uuid, c, y, 10000000000 FROM unnest(ARRAY['transport', 'mileage', 'childcare', 'meals']) c, generate_series(2025, 2027) y`,
          [g, g],
        );
        await trx.raw(
          `INSERT INTO grant_ceilings (grant_id, year, ceiling_cents) SELECT md5(?)::uuid, y, 10000000000 FROM generate_series(2025, 2027) y`,
          [g],
        );
      }
      await trx.raw(
        `INSERT INTO grant_projects (grant_id, project_id, share_bp) VALUES (md5('g1')::uuid, md5('project')::uuid, 6000), (md5('g2')::uuid, md5('project')::uuid, 3000)`,
      );
    });
    for (let from = 1; from <= n; from += CHUNK) {
      const to = Math.min(n, from + CHUNK - 1);
      await db.transaction(async (trx) => {
        await trx.raw('SET LOCAL session_replication_role = replica');
        // Line i: claim ⌈i/2⌉, participant i mod P, category by i mod 4, a day in 2025–2027, paid 10–40 days later.
        await trx.raw(
          `CREATE TEMP TABLE g ON COMMIT DROP AS
          SELECT i, md5('l' || i)::uuid AS line_id, md5('c' || ((i + 1) / 2))::uuid AS claim_id, md5('p' || (1 + i % ?))::uuid AS participant_id,
                 (ARRAY['transport', 'mileage', 'childcare', 'meals'])[1 + i % 4] AS category, date '2025-01-01' + (i % 1065) AS day, 100 + (i::bigint * 7919 % 9900)::int AS cents
            FROM generate_series(?::int, ?::int) AS i`,
          [participants, from, to],
        );
        await trx.raw(`INSERT INTO claims (id, reference, participant_id, project_id, status, departure_at, return_at, submitted_at, decided_at, amount_requested_cents, amount_eligible_cents, amount_granted_cents, amount_to_pay_cents)
          SELECT claim_id, 'R-B-' || lpad(((i + 1) / 2)::text, 8, '0'), participant_id, md5('project')::uuid, 'paid', day + time '09:00', day + time '18:00', day + time '19:00', day + 3 + time '10:00', cents, cents, cents, cents
            FROM g WHERE i % 2 = 1`);
        await trx.raw(`INSERT INTO claim_lines (id, claim_id, position, kind, travel_date, category, input, requested_cents, eligible_cents, explanation, rule, granted_cents)
          SELECT line_id, claim_id, 1 - i % 2, 'public_transport', day, category, '{}'::jsonb, cents, cents, 'Billet', 'actual_cost', cents FROM g`);
        await trx.raw(`INSERT INTO expenses (id, reference, project_id, category, source, claim_line_id, claim_id, participant_id, amount_cents, incurred_on, status, paid_on)
          SELECT md5('e' || i)::uuid, 'DEP-B-' || lpad(i::text, 8, '0'), md5('project')::uuid, category, 'claim_line', line_id, claim_id, participant_id, cents, day, 'actual', day + 10 + i % 30 FROM g`);
        await trx.raw(`INSERT INTO expense_parts (id, expense_id, grant_id, budget_line_id, amount_cents)
          SELECT md5(k || i)::uuid, md5('e' || i)::uuid, CASE WHEN k = 'own' THEN NULL ELSE md5(k)::uuid END,
                 CASE WHEN k = 'own' THEN NULL ELSE md5(k || category || extract(year FROM day)::int)::uuid END,
                 CASE k WHEN 'g1' THEN cents * 6 / 10 WHEN 'g2' THEN cents * 3 / 10 ELSE cents - cents * 6 / 10 - cents * 3 / 10 END
            FROM g CROSS JOIN unnest(ARRAY['g1', 'g2', 'own']) AS k`);
      });
      process.stdout.write(`\rgenerating claim lines ${fmt(to)} / ${fmt(n)} (${seconds(performance.now() - t0)} s)`);
    }
    process.stdout.write('\n');
    await db.raw(
      'VACUUM (ANALYZE) claims, claim_lines, expenses, expense_parts, budget_lines, participants, sessions, session_participants',
    );
    const grantId = (await db.raw(`SELECT md5('g1')::uuid AS id`)).rows[0].id as string;
    const grant = (await getGrant(db, grantId))!;
    console.log(
      `data: ${fmt(n)} claim lines → ${fmt(n)} expenses, ${fmt(3 * n)} parts, in ${seconds(performance.now() - t0)} s`,
    );

    // 2. Budget report: the dashboard path vs the same SQL statements on a bare pg client.
    const captured: { sql: string; bindings: unknown[] }[] = [];
    const onQuery = (q: { sql: string; bindings?: unknown[] }) =>
      captured.push({ sql: q.sql, bindings: q.bindings ?? [] });
    db.on('query', onQuery);
    // A fresh Acting per call: each reads the settings, as a request does.
    const dashboard = () =>
      grantDashboard(deps, systemActing({ now: deps.now(), settings: settingsLoader(db) }), { grant });
    await dashboard();
    db.off('query', onQuery);
    const bare = new pg.Client({ connectionString: url });
    await bare.connect();
    const toPg = (sql: string) => {
      let k = 0;
      return sql.replace(/\?/g, () => `$${++k}`);
    };
    const timeIt = async (f: () => Promise<unknown>) => {
      const t = performance.now();
      await f();
      return performance.now() - t;
    };
    const appMs: number[] = [];
    const sqlMs: number[] = [];
    await dashboard();
    for (let r = 0; r < runs; r++) {
      appMs.push(await timeIt(dashboard));
      sqlMs.push(
        await timeIt(async () => {
          for (const q of captured) await bare.query(toPg(q.sql), q.bindings as unknown[]);
        }),
      );
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const dashRatio = median(appMs) / median(sqlMs);
    console.log(
      `budget report: dashboard ${median(appMs).toFixed(0)} ms (${captured.length} queries) vs bare SQL ${median(sqlMs).toFixed(0)} ms → ratio ${dashRatio.toFixed(2)} (target ≤ 1.2; median of ${runs})`,
    );

    // 3. Statement CSV over HTTP from a child process vs COPY … TO STDOUT through psql.
    const adminRow = await db('users').first('password_hash');
    const [reader] = await db('users')
      .insert({
        email: 'finance@bench.example',
        name: 'Finance',
        roles: ['finance'],
        password_hash: adminRow.password_hash,
      })
      .returning('id');
    const secret = `pbo_${randomToken(32)}`;
    await db('api_tokens').insert({
      user_id: reader.id,
      name: 'bench',
      token_hash: sha256Hex(secret),
      prefix: secret.slice(0, 10),
      roles: ['finance'],
    });
    // The serving process is the compiled app under plain Node, as `npm start` runs it.
    // @ts-expect-error plain JavaScript module without types
    const { isStale } = (await import('./build.mjs')) as { isStale: () => boolean };
    if (isStale() && spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status !== 0)
      throw new Error('npm run build failed');
    child = spawn(process.execPath, ['--expose-gc', 'scripts/bench-serve.mjs', url], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const nextJson = async () => JSON.parse((await lines.next()).value as string);
    const { port } = await nextJson();
    const download = async (from: string, to: string, format: string) => {
      const t = performance.now();
      const res = await fetch(
        `http://127.0.0.1:${port}/api/grants/${grantId}/statement?from=${from}&to=${to}&format=${format}`,
        { headers: { authorization: `Bearer ${secret}` } },
      );
      let bytes = 0;
      let rows = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
        bytes += buf.length;
        for (let at = buf.indexOf(10); at >= 0; at = buf.indexOf(10, at + 1)) rows++;
      }
      if (res.status !== 200) throw new Error(`statement ${res.status}`);
      return { ms: performance.now() - t, bytes, rows };
    };
    const query = statementQuery(db, grantId, '2025-01-01', '2027-12-31').toQuery();
    const copy = () =>
      new Promise<{ ms: number; bytes: number }>((resolve, reject) => {
        const t = performance.now();
        const p = execFile(
          'psql',
          [url, '-q', '-c', `COPY (${query}) TO STDOUT WITH (FORMAT csv, DELIMITER ';')`],
          { maxBuffer: 4 * 1024 * 1024 * 1024, encoding: 'buffer' },
          (err, out) => (err ? reject(err) : resolve({ ms: performance.now() - t, bytes: out.length })),
        );
        p.stdin?.end();
      });
    await download('2025-01-01', '2025-01-31', 'csv');
    child.stdin!.write('reset\n');
    const csvRuns: { ms: number; bytes: number; rows: number }[] = [];
    const copyRuns: { ms: number; bytes: number }[] = [];
    for (let r = 0; r < Math.min(runs, 3); r++) {
      csvRuns.push(await download('2025-01-01', '2027-12-31', 'csv'));
      copyRuns.push(await copy());
    }
    child.stdin!.write('report\n');
    const mem = await nextJson();
    const csvMs = median(csvRuns.map((x) => x.ms));
    const copyMs = median(copyRuns.map((x) => x.ms));
    console.log(
      `statement CSV: ${fmt(csvRuns[0].rows - 1)} lines, ${MB(csvRuns[0].bytes)}, ${(csvMs / 1000).toFixed(2)} s over HTTP vs COPY TO STDOUT ${(copyMs / 1000).toFixed(2)} s (${MB(copyRuns[0].bytes)}) → ratio ${(csvMs / copyMs).toFixed(2)} (target ≤ 2)`,
    );
    console.log(
      `serving process RSS: idle ${MB(mem.idle)}, peak during the exports ${MB(mem.peak)} (+${MB(mem.peak - mem.idle)} over idle; target ≤ 150 MB)`,
    );
    child.stdin!.write('quit\n');

    // 4. A ~10,000-line PDF: statementPdf vs pdf-lib alone with the same texts and font.
    const {
      rows: [{ d }],
    } = await db.raw(
      `SELECT e.paid_on AS d FROM expense_parts ep JOIN expenses e ON e.id = ep.expense_id WHERE ep.grant_id = ? ORDER BY e.paid_on OFFSET 10000 LIMIT 1`,
      [grantId],
    );
    const to = new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const pdfRows = (
      await db.raw(
        `SELECT count(*)::int AS n FROM expense_parts ep JOIN expenses e ON e.id = ep.expense_id WHERE ep.grant_id = ? AND e.paid_on BETWEEN '2025-01-01' AND ?`,
        [grantId, to],
      )
    ).rows[0].n as number;
    const texts: string[][] = [];
    for await (const batch of streamRows(deps, (trx) => statementQuery(trx, grantId, '2025-01-01', to))) {
      for (const r of batch) {
        const c = statementCells(r);
        texts.push([c[0], c[2], c[3], [c[4], c[5]].filter(Boolean).join(' — '), c[6], formatCents(c[7])]);
      }
    }
    const requireHere = createRequire(import.meta.url);
    const fontFile = path.join(
      path.dirname(requireHere.resolve('dejavu-fonts-ttf/package.json')),
      'ttf',
      'DejaVuSans.ttf',
    );
    const fontBytes = fs.readFileSync(fontFile);
    // The baseline draws exactly the lines the table draws (cells wrapped to their columns
    // beforehand, outside the timing): same glyphs, same font, no logic while drawing.
    const probe = await PdfDocument.create('probe', '');
    const usable = 595.28 - 100;
    const totalWidth = PDF_COLUMNS.reduce((sum, c) => sum + c.width, 0);
    const widths = PDF_COLUMNS.map((c) => (c.width / totalWidth) * usable);
    const xs = widths.map((_, i) => 50 + 3 + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const wrapped = texts.map((row) => row.map((t, i) => probe.wrap(t, 7.5, widths[i] - 6)));
    const raw = async () => {
      const doc = await PDFDocument.create();
      doc.registerFontkit(fontkit);
      const font = await doc.embedFont(fontBytes, { subset: true });
      let page = doc.addPage([595.28, 841.89]);
      let y = 780;
      for (const row of wrapped) {
        const height = Math.max(...row.map((l) => l.length)) * 9.75 + 6;
        if (y - height < 70) {
          page = doc.addPage([595.28, 841.89]);
          y = 780;
        }
        row.forEach((lines, i) =>
          lines.forEach((l, j) =>
            page.drawText(l, { x: xs[i], y: y - 3 - 7.5 - j * 9.75, size: 7.5, font, color: rgb(0, 0, 0) }),
          ),
        );
        y -= height;
      }
      return doc.save();
    };
    const ours = () =>
      statementPdf(
        streamRows(deps, (trx) => statementQuery(trx, grantId, '2025-01-01', to)),
        { grant, orgName: 'Banc', from: '2025-01-01', to },
      );
    // Reading the rows (part of the statement, not of the baseline) is timed apart as well.
    const fetchOnly = async () => {
      for await (const batch of streamRows(deps, (trx) => statementQuery(trx, grantId, '2025-01-01', to))) void batch;
    };
    await raw();
    await ours();
    const oursMs: number[] = [];
    const rawMs: number[] = [];
    const fetchMs: number[] = [];
    for (let r = 0; r < Math.min(runs, 3); r++) {
      oursMs.push(await timeIt(ours));
      rawMs.push(await timeIt(raw));
      fetchMs.push(await timeIt(fetchOnly));
    }
    console.log(
      `statement PDF: ${fmt(pdfRows)} lines, statementPdf ${(median(oursMs) / 1000).toFixed(2)} s (of which reading the rows ${(median(fetchMs) / 1000).toFixed(2)} s) vs pdf-lib alone ${(median(rawMs) / 1000).toFixed(2)} s → ratio ${(median(oursMs) / median(rawMs)).toFixed(2)} (target ≤ 1.5)`,
    );
    console.log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${MB(os.totalmem())} RAM, Node ${process.version}, PostgreSQL ${(await db.raw('SHOW server_version')).rows[0].server_version}`,
    );
    await bare.end();
  } finally {
    child?.kill();
    await bench.drop();
  }
  process.exit(0);
}
