import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { pdfText } from '../helpers/documents.js';
import { formatCents } from '../../server/shared/money.js';
import { exportAudit, fetchBytes, grantScenario, type GrantScenario } from './helpers.js';
import { followLink, pageExpenseLinks } from '../grants/helpers.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

type Client = Awaited<ReturnType<typeof signedIn>>;

/** Every committed, actual and monthly figure of a grant dashboard equals the total of the list its link opens; remaining = planned − that committed. */
async function expectFiguresFollowed(client: Client, d: any): Promise<number> {
  let links = 0;
  for (const row of [d.totals, ...d.byCategory, ...d.byLine, ...d.byProject]) {
    const committed = await followLink(client, row.links.committed);
    expect(committed, row.links.committed).to.equal(row.committedCents);
    expect(await followLink(client, row.links.actual), row.links.actual).to.equal(row.actualCents);
    if (row.remainingCents !== null) expect(row.plannedCents - committed).to.equal(row.remainingCents);
    links += 2;
  }
  for (const m of d.monthly) {
    expect(await followLink(client, m.href), m.href).to.equal(m.actualCents);
    links += 1;
  }
  return links;
}

describe('grant reports: the hand-computed scenario', () => {
  let s: GrantScenario;
  let finance: Awaited<ReturnType<typeof signedIn>>;
  before(async () => {
    ctx().clock.now = new Date('2026-05-15T10:00:00+02:00');
    s = await grantScenario();
    finance = await signedIn('finance');
  });
  after(() => {
    ctx().clock.now = null;
  });

  it('when the grant dashboard is read, then planned, committed, actual and remaining match the hand-computed table', async () => {
    const r = await finance.get(`/api/grants/${s.g1.id}/dashboard`);
    expect(r.status, r.text).to.equal(200);
    const d = r.body;
    expect(d.totals).to.include({
      plannedCents: 140000,
      committedCents: 39060,
      actualCents: 31860,
      remainingCents: 100940,
    });
    expect(
      d.byCategory.map((c: any) => [c.category, c.plannedCents, c.committedCents, c.actualCents, c.remainingCents]),
    ).to.have.deep.members([
      ['transport', 90000, 16860, 16860, 73140],
      ['venue', 30000, 15000, 15000, 15000],
      ['catering', 20000, 7200, 0, 12800],
    ]);
    expect(
      d.byLine.map((l: any) => [l.category, l.year, l.plannedCents, l.committedCents, l.actualCents]),
    ).to.have.deep.members([
      ['transport', 2025, 50000, 8060, 8060],
      ['venue', 2025, 30000, 15000, 15000],
      ['transport', 2026, 40000, 8800, 8800],
      ['catering', 2026, 20000, 7200, 0],
    ]);
    expect(
      d.byProject.map((p: any) => [p.projectId, p.shareBp, p.plannedCents, p.committedCents, p.actualCents]),
    ).to.have.deep.members([
      [s.p1.id, 6000, 90000, 35060, 27860],
      [s.p2.id, 10000, 10000, 4000, 4000],
    ]);
    const months = Object.fromEntries(
      d.monthly.filter((m: any) => m.actualCents).map((m: any) => [m.month, m.actualCents]),
    );
    expect(months).to.deep.equal({
      '2025-04': 6060,
      '2025-07': 15000,
      '2026-01': 2000,
      '2026-03': 4800,
      '2026-04': 4000,
    });
    expect(d.monthly.at(-1)).to.include({ month: '2026-12', cumulativeCents: 31860 });
    // Pace: (2 000 + 4 800 + 4 000) / 6 = 1 800 per month; 7 months after May 2026.
    expect(d.forecast).to.include({
      paceCents: 1800,
      monthsLeft: 7,
      forecastCents: 44460,
      plannedCents: 140000,
      gapCents: -95540,
    });
    // 4 people; 2×3 h + 2×2 h + 1.5 h + 1 h = 12.5 h attended.
    expect(d.costs).to.deep.equal({
      participants: 4,
      attendedHours: 12.5,
      perParticipantCents: 7965,
      perAttendedHourCents: 2549,
    });
    expect(d.auditorRange).to.equal(null);
    // The attendance behind the costs is stored with the time it was counted; staff may recount it.
    expect(Date.parse(d.costsComputedAt)).to.be.closeTo(ctx().deps.now().getTime(), 600_000);
    const again = await finance.post(`/api/grants/${s.g1.id}/figures`, {});
    expect(again.status, again.text).to.equal(200);
    expect(again.body.costs).to.deep.equal(d.costs);
    expect(again.body.costsComputedAt >= d.costsComputedAt).to.equal(true);
    expect(d.totals.links.actual).to.equal(`/expenses?grantId=${s.g1.id}&status=actual`);
    expect(d.byCategory.find((c: any) => c.category === 'venue').links.committed).to.equal(
      `/expenses?grantId=${s.g1.id}&category=venue&status=committed%2Cactual`,
    );
    // Following a figure lists the rows that sum to it.
    const behind = async (href: string) => {
      const page = await finance.get(href);
      expect(page.status, href).to.equal(200);
      return /<dt>Total<\/dt><dd>([^<]+)<\/dd>/.exec(page.text)![1];
    };
    expect(await behind(d.totals.links.committed)).to.equal('390,60 €');
    expect(
      await behind(d.byLine.find((l: any) => l.category === 'transport' && l.year === 2025).links.actual),
    ).to.equal('80,60 €');
    expect(await behind(d.monthly.find((m: any) => m.month === '2026-01').href)).to.equal('20,00 €');
    expect(await behind(d.byProject.find((p: any) => p.projectId === s.p1.id).links.actual)).to.equal('278,60 €');

    const g2 = (await finance.get(`/api/grants/${s.g2.id}/dashboard`)).body;
    expect(g2.totals).to.include({ plannedCents: 30000, committedCents: 11530, actualCents: 11530 });
  });

  it('when every figure of the grant dashboards is followed to its expenses, then each list (JSON, every page, and HTML) adds up to the figure, counting only the parts on the grant or budget line', async () => {
    // G1: 2 links × (total, 3 categories, 4 lines, 2 projects) + 24 months; G2: 2 × (1 + 2 + 2 + 1) + 24.
    for (const [g, links] of [
      [s.g1, 44],
      [s.g2, 36],
    ] as const) {
      const d = (await finance.get(`/api/grants/${g.id}/dashboard`)).body;
      const lines = (await finance.get(`/api/grants/${g.id}`)).body.budgetLines;
      expect(d.byLine.map((l: any) => [l.budgetLineId, l.plannedCents])).to.have.deep.members(
        lines.map((l: any) => [l.id, l.amountCents]),
      );
      expect(await expectFiguresFollowed(finance, d)).to.equal(links);
    }
    // E1 (101,00 €) is split across G1 (60,60 €), G2 (30,30 €) and the own budget: each grant's list counts its share only.
    const april = 'status=actual&paidFrom=2025-04-01&paidTo=2025-04-30';
    const row = async (q: string) => (await finance.get(`/api/expenses?${q}`)).body;
    for (const [q, cents] of [
      [`grantId=${s.g1.id}&${april}`, 6060],
      [`grantId=${s.g2.id}&${april}`, 3030],
      [`projectId=${s.p1.id}&${april}`, 10100],
    ] as const) {
      const list = await row(q);
      expect(
        list.items.map((e: any) => [e.reference, e.amountCents, e.listedCents]),
        q,
      ).to.deep.equal([[s.expenses.e1.reference, 10100, cents]]);
      expect(list).to.include({ count: 1, totalCents: cents });
    }
    const line = await row(
      `budgetLineId=${s.lines.get(`${s.g1.id}|transport|2025`)}&status=committed,actual&sort=reference`,
    );
    expect(line.items.map((e: any) => e.reference)).to.deep.equal(
      [s.expenses.e1.reference, s.expenses.e2.reference].sort(),
    );
    expect(line.totalCents).to.equal(8060);
    const bad = await finance.get('/api/expenses?status=committed,paid');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('status');
  });

  it('when the project dashboard is read, then its budget, cost per person and time to money match the hand-computed table', async () => {
    const lead = await signedIn('project_lead');
    const r = await lead.get(`/api/projects/${s.p1.id}/dashboard`);
    expect(r.status, r.text).to.equal(200);
    const b = r.body.budget;
    expect(b.byCategory.map((c: any) => [c.category, c.plannedCents, c.committedCents, c.actualCents])).to.deep.equal([
      ['transport', 100000, 21433, 21433],
      ['venue', 50000, 25000, 25000],
      ['catering', 0, 12000, 0],
    ]);
    expect(b.totals).to.include({
      plannedCents: 150000,
      committedCents: 58433,
      actualCents: 46433,
      remainingCents: 91567,
    });
    expect(b.forecast).to.include({ paceCents: 1889, monthsLeft: 7, forecastCents: 59655 });
    expect(b.costs).to.deep.equal({
      participants: 3,
      attendedHours: 11,
      perParticipantCents: 15478,
      perAttendedHourCents: 4221,
    });
    // Days after the session: submission [2, 5, 1], decision [10, 15, 9], payment [23, 311, 19] (the cancelled claim is left out).
    expect(b.timeToMoney).to.deep.equal({
      claims: 3,
      toSubmission: { count: 3, medianDays: 2, p90Days: 5 },
      toDecision: { count: 3, medianDays: 10, p90Days: 15 },
      toPayment: { count: 3, medianDays: 23, p90Days: 311 },
    });
    const page = await lead.get(`/projects/${s.p1.id}/dashboard`);
    expect(page.status).to.equal(200);
    const monthly = b.monthly.find((m: any) => m.month === '2026-01');
    expect(monthly.href).to.equal(`/expenses?projectId=${s.p1.id}&status=actual&paidFrom=2026-01-01&paidTo=2026-01-31`);
    const behind = await lead.get(monthly.href);
    expect(behind.text)
      .to.include('<dt>Total</dt><dd>33,33 €</dd>')
      .and.include(s.expenses.e2.reference)
      .and.include(`href="/expenses/${s.expenses.e2.id}"`);
    // Whole expenses on a project dashboard: every figure adds up, for the lead and for staff (who reads project dashboards, not expense pages).
    const staff = await signedIn('staff');
    expect((await staff.get(`/projects/${s.p1.id}/dashboard`)).status).to.equal(200);
    for (const c of [b.totals, ...b.byCategory]) {
      expect(await followLink(lead, c.links.committed)).to.equal(c.committedCents);
      expect(await followLink(lead, c.links.actual)).to.equal(c.actualCents);
    }
    for (const m of b.monthly) expect(await followLink(lead, m.href)).to.equal(m.actualCents);
    const byStaff = await staff.get(b.totals.links.committed);
    expect(byStaff.status).to.equal(200);
    expect(byStaff.text)
      .to.include('<dt>Total</dt><dd>584,33 €</dd>')
      .and.include(s.expenses.e4.reference)
      .and.not.include(`href="/expenses/${s.expenses.e4.id}"`);
    expect((await staff.get(`/expenses/${s.expenses.e4.id}`)).status).to.equal(403);
    expect((await staff.get('/api/expenses')).status).to.equal(403);
    expect(page.text)
      .to.include('Du temps à l’argent')
      .and.include('311 j')
      .and.include('464,33 €')
      .and.include('aria-label="Engagé par catégorie');
  });

  it('when the statement is downloaded as CSV, then every paid part is there with its line totals, in the French Excel dialect, neutralised and without names', async () => {
    const r = await fetchBytes(finance, `/api/grants/${s.g1.id}/statement?from=2025-01-01&to=2026-12-31&format=csv`);
    expect(r.status).to.equal(200);
    expect(r.type).to.include('text/csv');
    const text = r.bytes.toString('utf8');
    expect(text.startsWith('\uFEFF')).to.equal(true);
    const rows = text
      .slice(1)
      .trimEnd()
      .split('\r\n')
      .map((l) => l.split(';'));
    expect(rows[0]).to.deep.equal([
      'Date de paiement',
      'Catégorie',
      'Ligne budgétaire',
      'Dépense',
      'Demande',
      'Justificatif ou facture',
      'Participant',
      'Montant',
    ]);
    const body = rows.slice(1, 6);
    expect(body.map((x) => [x[0], x[1], x[2], x[3], x[7]])).to.deep.equal([
      [
        '02/04/2025',
        'Transports en commun et taxis',
        'Transports en commun et taxis 2025',
        s.expenses.e1.reference,
        '60,60',
      ],
      ['01/07/2025', 'Location de salles', 'Location de salles 2025', s.expenses.e3.reference, '150,00'],
      [
        '15/01/2026',
        'Transports en commun et taxis',
        'Transports en commun et taxis 2025',
        s.expenses.e2.reference,
        '20,00',
      ],
      [
        '20/03/2026',
        'Transports en commun et taxis',
        'Transports en commun et taxis 2026',
        s.expenses.e5.reference,
        '48,00',
      ],
      [
        '10/04/2026',
        'Transports en commun et taxis',
        'Transports en commun et taxis 2026',
        s.expenses.e8.reference,
        '40,00',
      ],
    ]);
    expect(body[0][4]).to.equal(s.claims.r1.reference);
    expect(body[0][5]).to.equal(`justificatif ${s.files.receipt1.sha256.slice(0, 12)}`);
    expect(body[0][6]).to.equal(s.people.pa.reference);
    expect(text).to.include(`"'=HYPERLINK(""http://x.example"")"`).and.include(";'+33 @x;");
    const totals = rows.slice(6).map((x) => [x[2], x[7]]);
    expect(totals).to.deep.equal([
      ['Total Transports en commun et taxis 2025', '80,60'],
      ['Total Location de salles 2025', '150,00'],
      ['Total Transports en commun et taxis 2026', '88,00'],
      ['Total général', '318,60'],
    ]);
    for (const p of Object.values(s.people)) expect(text).not.to.include(p.last_name);

    const audit = await exportAudit(
      'grant.statement_exported',
      s.g1.id,
      createHash('sha256').update(r.bytes).digest('hex'),
    );
    expect(audit.data).to.include({
      from: '2025-01-01',
      to: '2026-12-31',
      format: 'csv',
      completed: true,
      bytes: r.bytes.length,
    });
  });

  it('when the statement of 2025 is downloaded as PDF and XLSX, then the text holds the same lines and totals', async () => {
    const pdf = await fetchBytes(finance, `/api/grants/${s.g1.id}/statement?from=2025-01-01&to=2025-12-31&format=pdf`);
    expect(pdf.status).to.equal(200);
    const text = pdfText(pdf.bytes);
    expect(text)
      .to.include('État récapitulatif des dépenses')
      .and.include(s.g1.reference)
      .and.include(s.expenses.e1.reference)
      .and.include(s.expenses.e3.reference);
    expect(text)
      .to.include('60,60 €')
      .and.include('150,00 €')
      .and.include('210,60 €')
      .and.not.include(s.expenses.e2.reference);
    expect(text).to.include(s.people.pa.reference).and.not.include(s.people.pa.last_name);

    const xlsx = await fetchBytes(
      finance,
      `/api/grants/${s.g1.id}/statement?from=2025-01-01&to=2026-12-31&format=xlsx`,
    );
    expect(xlsx.status).to.equal(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    const values = sheet
      .getSheetValues()
      .slice(1)
      .map((row) => (row as unknown[]).slice(1));
    expect(values[1][7]).to.equal(60.6);
    expect(values[2][5]).to.equal('\'=HYPERLINK("http://x.example")');
    expect(values[5][5]).to.equal("'+33 @x");
    expect(values.at(-1)!.slice(2)).to.deep.equal(['Total général', undefined, undefined, undefined, undefined, 318.6]);
  });

  it('when the financial report is read and its gaps explained, then planned vs actual per category, gaps and attendance match, and the exports neutralise the text', async () => {
    const r2025 = await finance.get(`/api/grants/${s.g1.id}/financial-report?year=2025`);
    expect(r2025.status, r2025.text).to.equal(200);
    expect(
      r2025.body.rows.map((x: any) => [x.category, x.plannedCents, x.actualCents, x.gapCents, x.gapPercent]),
    ).to.deep.equal([
      ['transport', 50000, 6060, -43940, -87.9],
      ['venue', 30000, 15000, -15000, -50],
    ]);
    expect(r2025.body.totals).to.deep.equal({
      plannedCents: 80000,
      actualCents: 21060,
      gapCents: -58940,
      gapPercent: -73.7,
    });
    expect(r2025.body.qualitative).to.deep.equal({ sessionsHeld: 2, participants: 3, attendanceRatePercent: 80 });

    const put = await finance.put(`/api/grants/${s.g1.id}/financial-report/notes`, {
      year: 2026,
      notes: [
        { category: 'catering', explanation: '@SUM(A1) traiteur reporté' },
        { category: 'transport', explanation: 'Moins de trajets que prévu.' },
      ],
    });
    expect(put.status, put.text).to.equal(200);
    expect(
      put.body.rows.map((x: any) => [
        x.category,
        x.plannedCents,
        x.actualCents,
        x.gapCents,
        x.gapPercent,
        x.explanation,
      ]),
    ).to.deep.equal([
      ['transport', 40000, 10800, -29200, -73, 'Moins de trajets que prévu.'],
      ['catering', 20000, 0, -20000, -100, '@SUM(A1) traiteur reporté'],
    ]);
    expect(put.body.qualitative).to.deep.equal({ sessionsHeld: 2, participants: 2, attendanceRatePercent: 100 });

    const csv = (
      await fetchBytes(finance, `/api/grants/${s.g1.id}/financial-report?year=2026&format=csv`)
    ).bytes.toString('utf8');
    expect(csv.startsWith('\uFEFFCatégorie;Prévu;Réalisé;Écart (€);Écart (%);Explication')).to.equal(true);
    expect(csv)
      .to.include('\r\nTransports en commun et taxis;400,00;108,00;-292,00;-73;Moins de trajets que prévu.\r\n')
      .and.include(";'@SUM(A1) traiteur reporté\r\n")
      .and.include('Total;600,00;108,00;-492,00;-82;');
    const pdf = pdfText(
      (await fetchBytes(finance, `/api/grants/${s.g1.id}/financial-report?year=2026&format=pdf`)).bytes,
    );
    expect(pdf)
      .to.include('CERFA')
      .and.include('400,00 €')
      .and.include('108,00 €')
      .and.include('-292,00 €')
      .and.include('Moins de trajets que prévu.')
      .and.include('Taux de présence');
    const xlsx = await fetchBytes(finance, `/api/grants/${s.g1.id}/financial-report?year=2026&format=xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const cells = book.worksheets[0].getSheetValues().flatMap((row) => (row as unknown[] | undefined) ?? []);
    expect(cells).to.include("'@SUM(A1) traiteur reporté").and.include(108);
  });

  it('when drawdowns are made, then the rate and the ceilings apply, they are numbered, and no part is claimed twice', async () => {
    const first = await finance.request('POST', `/api/grants/${s.g1.id}/drawdowns`, {
      json: { from: '2025-01-01', to: '2025-12-31' },
      headers: { 'idempotency-key': 'dd-2025' },
    });
    expect(first.status, first.text).to.equal(201);
    // 2025: (60,60 + 150,00) × 50 % = 105,30, capped by the 80,00 ceiling.
    expect(first.body).to.include({ number: 1, eligibleActualCents: 21060, requestedCents: 8000, partCount: 2 });
    const replay = await finance.request('POST', `/api/grants/${s.g1.id}/drawdowns`, {
      json: { from: '2025-01-01', to: '2025-12-31' },
      headers: { 'idempotency-key': 'dd-2025' },
    });
    expect(replay.status).to.equal(201);
    expect(replay.headers.get('idempotent-replayed')).to.equal('true');
    expect(replay.body.id).to.equal(first.body.id);

    const second = await finance.post(`/api/grants/${s.g1.id}/drawdowns`, { from: '2025-01-01', to: '2026-12-31' });
    expect(second.status, second.text).to.equal(201);
    // E2 (20,00, a 2025 line: ceiling used up → 0) + E5 and E8 (88,00 on 2026 lines → 44,00).
    expect(second.body).to.include({ number: 2, eligibleActualCents: 10800, requestedCents: 4400, partCount: 3 });
    expect(second.body.years).to.deep.equal([
      { year: 2025, eligibleActualCents: 2000, requestedCents: 0, ceilingCents: 8000 },
      { year: 2026, eligibleActualCents: 8800, requestedCents: 4400, ceilingCents: 100000 },
    ]);
    const third = await finance.post(`/api/grants/${s.g1.id}/drawdowns`, { from: '2025-01-01', to: '2026-12-31' });
    expect(third.status).to.equal(409);
    expect(third.body.error.code).to.equal('nothing_to_draw_down');

    const list = await finance.get(`/api/grants/${s.g1.id}/drawdowns`);
    expect(list.body.items.map((d: any) => d.number)).to.deep.equal([2, 1]);
    const claimed = await ctx()
      .deps.db('drawdown_parts as dp')
      .join('drawdowns as d', 'd.id', 'dp.drawdown_id')
      .where('d.grant_id', s.g1.id)
      .select('dp.expense_part_id');
    expect(claimed).to.have.length(5);
    expect(new Set(claimed.map((c: { expense_part_id: string }) => c.expense_part_id)).size).to.equal(5);

    const doc = pdfText((await fetchBytes(finance, `/api/drawdowns/${second.body.id}/document.pdf`)).bytes);
    expect(doc).to.include('Demande de versement n° 2').and.include('108,00 €').and.include('44,00 €');
    const csv = (await fetchBytes(finance, `/api/drawdowns/${second.body.id}/document.csv`)).bytes.toString('utf8');
    expect(csv)
      .to.include(s.expenses.e2.reference)
      .and.include(s.expenses.e8.reference)
      .and.include(";'+33 @x;")
      .and.not.include(s.expenses.e1.reference);
    expect(csv).to.include('Total général;;;3 ligne(s);;108,00');
    const xlsx = await fetchBytes(finance, `/api/drawdowns/${second.body.id}/document.xlsx`);
    expect(xlsx.status).to.equal(200);
    expect(xlsx.bytes.subarray(0, 2).toString()).to.equal('PK');
  });

  it('when the evidence bundle is downloaded, then the zip holds the statement and every receipt and invoice of the period', async () => {
    const r = await fetchBytes(finance, `/api/grants/${s.g1.id}/evidence.zip?from=2025-01-01&to=2026-12-31`);
    expect(r.status).to.equal(200);
    expect(r.type).to.include('application/zip');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-zip-'));
    try {
      fs.writeFileSync(path.join(dir, 'b.zip'), r.bytes);
      const names = execFileSync('zipinfo', ['-1', path.join(dir, 'b.zip')], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .sort();
      expect(names).to.deep.equal(
        [
          `etat-${s.g1.reference}-2025-01-01-2026-12-31.csv`,
          `etat-${s.g1.reference}-2025-01-01-2026-12-31.pdf`,
          `factures/${s.expenses.e3.reference}-${s.files.invoice3.sha256.slice(0, 12)}.pdf`,
          `factures/${s.expenses.e8.reference}-${s.files.invoice8.sha256.slice(0, 12)}.png`,
          `justificatifs/${s.claims.r1.reference}-${s.files.receipt1.sha256.slice(0, 12)}.pdf`,
        ].sort(),
      );
      execFileSync('unzip', ['-tq', path.join(dir, 'b.zip')]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const audit = await exportAudit(
      'grant.evidence_exported',
      s.g1.id,
      createHash('sha256').update(r.bytes).digest('hex'),
    );
    expect(audit.data).to.include({ from: '2025-01-01', to: '2026-12-31', format: 'zip', completed: true });
  });

  it('when a grant is unknown, then every report answers 404; when a period is reversed, then 400 names the field', async () => {
    for (const p of [
      `/api/grants/${UNKNOWN}/dashboard`,
      `/api/grants/${UNKNOWN}/statement`,
      `/api/grants/${UNKNOWN}/financial-report?year=2025`,
      `/api/grants/${UNKNOWN}/evidence.zip`,
      `/api/grants/${UNKNOWN}/drawdowns`,
      `/api/drawdowns/${UNKNOWN}`,
      `/grants/${UNKNOWN}/dashboard`,
    ]) {
      expect((await finance.get(p)).status, p).to.equal(404);
    }
    expect(
      (await finance.post(`/api/grants/${UNKNOWN}/drawdowns`, { from: '2025-01-01', to: '2025-12-31' })).status,
    ).to.equal(404);
    const bad = await finance.get(`/api/grants/${s.g1.id}/statement?from=2026-01-01&to=2025-01-01`);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('to');
  });

  it('when an auditor scoped to 2025 reads the grant dashboard, then every figure is of 2025 (committed by day of service, actual by payment day), remaining and forecast are left out, each link adds up; finance still sees everything', async () => {
    const auditor = await signedIn('auditor');
    await ctx().deps.db('auditor_scopes').insert({
      user_id: auditor.user.id,
      grant_id: s.g1.id,
      from_date: '2025-01-01',
      to_date: '2025-12-31',
      expires_at: '2027-01-01T00:00:00Z',
    });
    const r = await auditor.get(`/api/grants/${s.g1.id}/dashboard`);
    expect(r.status, r.text).to.equal(200);
    const d = r.body;
    expect(d.auditorRange).to.deep.equal({ from: '2025-01-01', to: '2025-12-31' });
    // Committed in 2025: E1 60,60 + E2 20,00 (paid in 2026) + E3 150,00; actual in 2025: E1 + E3.
    expect(d.totals).to.include({
      plannedCents: 140000,
      committedCents: 23060,
      actualCents: 21060,
      remainingCents: null,
    });
    expect(
      d.byCategory.map((c: any) => [c.category, c.plannedCents, c.committedCents, c.actualCents, c.remainingCents]),
    ).to.have.deep.members([
      ['transport', 90000, 8060, 6060, null],
      ['venue', 30000, 15000, 15000, null],
      ['catering', 20000, 0, 0, null],
    ]);
    expect(
      d.byLine.map((l: any) => [l.category, l.year, l.plannedCents, l.committedCents, l.actualCents]),
    ).to.have.deep.members([
      ['transport', 2025, 50000, 8060, 6060],
      ['venue', 2025, 30000, 15000, 15000],
      ['transport', 2026, 40000, 0, 0],
      ['catering', 2026, 20000, 0, 0],
    ]);
    expect(d.byProject.map((p: any) => [p.projectId, p.committedCents, p.actualCents])).to.have.deep.members([
      [s.p1.id, 23060, 21060],
      [s.p2.id, 0, 0],
    ]);
    expect(d.monthly.map((m: any) => m.month)).to.deep.equal(
      Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`),
    );
    expect(
      Object.fromEntries(d.monthly.filter((m: any) => m.actualCents).map((m: any) => [m.month, m.actualCents])),
    ).to.deep.equal({ '2025-04': 6060, '2025-07': 15000 });
    expect(d.monthly.at(-1).cumulativeCents).to.equal(21060);
    expect(d.forecast).to.equal(null);
    expect(d.costsComputedAt).to.equal(null); // a scoped auditor's range: counted for this answer
    // 2025 sessions only: 3 people, 2×3 h + 2×2 h.
    expect(d.costs).to.deep.equal({
      participants: 3,
      attendedHours: 10,
      perParticipantCents: 7020,
      perAttendedHourCents: 2106,
    });
    expect(d.totals.links.actual).to.equal(
      `/expenses?grantId=${s.g1.id}&status=actual&paidFrom=2025-01-01&paidTo=2025-12-31`,
    );
    expect(d.totals.links.committed).to.equal(
      `/expenses?grantId=${s.g1.id}&status=committed%2Cactual&from=2025-01-01&to=2025-12-31`,
    );
    expect(await expectFiguresFollowed(auditor, d)).to.equal(2 * (1 + 3 + 4 + 2) + 12);

    // The list shows the auditor G1's parts of 2025 only (E1's G2 and own-budget parts are not theirs).
    const list = (await auditor.get(`/api/expenses?projectId=${s.p1.id}`)).body;
    const { e1, e2, e3, e6 } = s.expenses;
    expect(list.items.map((e: any) => e.reference)).to.have.members([
      e1.reference,
      e2.reference,
      e3.reference,
      e6.reference,
    ]);
    expect(list.items.flatMap((e: any) => e.parts.map((p: any) => p.grantId))).to.deep.equal(
      list.items.map(() => s.g1.id),
    );
    expect(list.items.find((e: any) => e.id === e1.id).listedCents).to.equal(6060);
    expect(list.totalCents).to.equal(6060 + 2000 + 15000 + 3000);
    expect(
      (await auditor.get(`/api/expenses/${e1.id}`)).body.parts.map((p: any) => [p.grantId, p.amountCents]),
    ).to.deep.equal([[s.g1.id, 6060]]);
    expect((await auditor.get(`/api/expenses/${s.expenses.e5.id}`)).status).to.equal(404);
    expect((await auditor.get(`/api/expenses?grantId=${s.g2.id}`)).body).to.include({ count: 0, totalCents: 0 });

    const page = await auditor.get(`/grants/${s.g1.id}/dashboard`);
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.include('Votre accès d’auditeur est limité à la période du 01/01/2025 au 31/12/2025.')
      .and.include('Pas de prévision : votre accès d’auditeur')
      .and.include('230,60 €')
      .and.not.include('Reste à engager')
      .and.not.include('390,60 €')
      .and.not.include('févr. 2026');
    const listPage = await auditor.get(`/expenses?projectId=${s.p1.id}`);
    expect(listPage.text)
      .to.include('Votre accès d’auditeur est limité')
      .and.include(s.g1.reference)
      .and.not.include(s.g2.reference);

    const all = (await finance.get(`/api/grants/${s.g1.id}/dashboard`)).body;
    expect(all.auditorRange).to.equal(null);
    expect(all.totals).to.include({ committedCents: 39060, actualCents: 31860, remainingCents: 100940 });
    expect(all.forecast).to.include({ forecastCents: 44460 });
    expect(all.monthly).to.have.length(24);
  });

  it('when an auditor scoped to G1 and 2025 reads the grant (API and page), then each budget line gives 2025 only (committed by day of service, actual by payment day) without remaining, and every link adds up; finance still sees the full figures, linked too', async () => {
    const auditor = await signedIn('auditor');
    await ctx().deps.db('auditor_scopes').insert({
      user_id: auditor.user.id,
      grant_id: s.g1.id,
      from_date: '2025-01-01',
      to_date: '2025-12-31',
      expires_at: '2027-01-01T00:00:00Z',
    });
    const line = (category: string, year: number) => s.lines.get(`${s.g1.id}|${category}|${year}`)!;
    const r = await auditor.get(`/api/grants/${s.g1.id}`);
    expect(r.status, r.text).to.equal(200);
    expect(r.body.auditorRange).to.deep.equal({ from: '2025-01-01', to: '2025-12-31' });
    // Committed in 2025: transport E1 60,60 + E2 20,00 (paid in 2026); venue E3 150,00. Paid in 2025: E1 and E3. E4, E5, E8 are of 2026; E6 is cancelled.
    expect(
      r.body.budgetLines.map((l: any) => [
        l.category,
        l.year,
        l.amountCents,
        l.committedCents,
        l.actualCents,
        l.remainingCents,
      ]),
    ).to.have.deep.members([
      ['transport', 2025, 50000, 8060, 6060, null],
      ['venue', 2025, 30000, 15000, 15000, null],
      ['transport', 2026, 40000, 0, 0, null],
      ['catering', 2026, 20000, 0, 0, null],
    ]);
    // The same figures as the auditor's grant dashboard, per budget line.
    const dashboard = (await auditor.get(`/api/grants/${s.g1.id}/dashboard`)).body;
    expect(r.body.budgetLines.map((l: any) => [l.id, l.committedCents, l.actualCents])).to.have.deep.members(
      dashboard.byLine.map((l: any) => [l.budgetLineId, l.committedCents, l.actualCents]),
    );
    const transport = r.body.budgetLines.find((l: any) => l.id === line('transport', 2025));
    expect(transport.links).to.deep.equal({
      committed: `/expenses?budgetLineId=${line('transport', 2025)}&status=committed%2Cactual&from=2025-01-01&to=2025-12-31`,
      actual: `/expenses?budgetLineId=${line('transport', 2025)}&status=actual&paidFrom=2025-01-01&paidTo=2025-12-31`,
    });
    for (const l of r.body.budgetLines) {
      expect(await followLink(auditor, l.links.committed), l.links.committed).to.equal(l.committedCents);
      expect(await followLink(auditor, l.links.actual), l.links.actual).to.equal(l.actualCents);
    }

    const page = await auditor.get(`/grants/${s.g1.id}`);
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.include('Votre accès d’auditeur est limité à la période du 01/01/2025 au 31/12/2025.')
      .and.include('Le reste n’est pas affiché')
      .and.include('80,60 €')
      .and.include('<a href="/expenses?grantId=')
      .and.not.include('>Reste<')
      .and.not.include('Dépassement')
      .and.not.include('88,00 €')
      .and.not.include('72,00 €')
      .and.not.include('419,40 €');
    // Every linked figure of the page, totals included, is the total of the list it opens: 4 lines × 2 + the total row × 2.
    const hrefs = pageExpenseLinks(page.text);
    expect(hrefs).to.have.length(10);
    expect(hrefs.slice(-2)).to.deep.equal([
      `/expenses?grantId=${s.g1.id}&status=committed%2Cactual&from=2025-01-01&to=2025-12-31`,
      `/expenses?grantId=${s.g1.id}&status=actual&paidFrom=2025-01-01&paidTo=2025-12-31`,
    ]);
    const shown = [...page.text.matchAll(/href="\/expenses\?[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    for (const [i, href] of hrefs.entries())
      expect(formatCents(await followLink(auditor, href)), href).to.equal(shown[i]);
    expect(shown.slice(-2)).to.deep.equal([formatCents(23060), formatCents(21060)]);

    // Finance: the whole figures as before (committed = committed, not yet paid), remaining, and links that add up to them.
    const all = (await finance.get(`/api/grants/${s.g1.id}`)).body;
    expect(all.auditorRange).to.equal(null);
    expect(
      all.budgetLines.map((l: any) => [l.category, l.year, l.committedCents, l.actualCents, l.remainingCents]),
    ).to.have.deep.members([
      ['transport', 2025, 0, 8060, 41940],
      ['venue', 2025, 0, 15000, 15000],
      ['transport', 2026, 0, 8800, 31200],
      ['catering', 2026, 7200, 0, 12800],
    ]);
    for (const l of all.budgetLines) {
      expect(l.links.committed).to.equal(`/expenses?budgetLineId=${l.id}&status=committed`);
      expect(await followLink(finance, l.links.committed), l.links.committed).to.equal(l.committedCents);
      expect(await followLink(finance, l.links.actual), l.links.actual).to.equal(l.actualCents);
    }
    const financePage = await finance.get(`/grants/${s.g1.id}`);
    expect(financePage.text)
      .to.include('>Reste<')
      .and.include(formatCents(100940))
      .and.not.include('Votre accès d’auditeur');
    const financeHrefs = pageExpenseLinks(financePage.text).filter((h) => h.includes('status='));
    expect(financeHrefs.slice(-2)).to.deep.equal([
      `/expenses?grantId=${s.g1.id}&status=committed`,
      `/expenses?grantId=${s.g1.id}&status=actual`,
    ]);
    expect(await followLink(finance, financeHrefs.at(-2)!)).to.equal(7200);
    expect(await followLink(finance, financeHrefs.at(-1)!)).to.equal(31860);
  });

  it('when an auditor scoped to G1 and 2025 reads a project dashboard, then they get G1’s parts of the project in 2025 (the project’s row of their grant dashboard), each link adding up, and neither the project budget, venue costs nor time to money; the lead and an unscoped auditor see the whole budget', async () => {
    const auditor = await signedIn('auditor');
    await ctx().deps.db('auditor_scopes').insert({
      user_id: auditor.user.id,
      grant_id: s.g1.id,
      from_date: '2025-01-01',
      to_date: '2025-12-31',
      expires_at: '2027-01-01T00:00:00Z',
    });
    const r = await auditor.get(`/api/projects/${s.p1.id}/dashboard`);
    expect(r.status, r.text).to.equal(200);
    expect(r.body.budget).to.equal(null);
    expect(r.body.venueCosts).to.equal(null);
    expect(r.body.sessions).to.have.length(3);
    const [g] = r.body.auditorBudget.grants;
    expect(r.body.auditorBudget.grants).to.have.length(1);
    expect(g).to.include({ grantId: s.g1.id, reference: s.g1.reference });
    expect(g.auditorRange).to.deep.equal({ from: '2025-01-01', to: '2025-12-31' });
    // G1's parts of P1: committed in 2025 E1 60,60 + E2 20,00 + E3 150,00; paid in 2025 E1 + E3.
    expect(g.totals).to.include({ committedCents: 23060, actualCents: 21060 });
    expect(g.byCategory.map((c: any) => [c.category, c.committedCents, c.actualCents])).to.have.deep.members([
      ['transport', 8060, 6060],
      ['venue', 15000, 15000],
      ['catering', 0, 0],
    ]);
    const row = (await auditor.get(`/api/grants/${s.g1.id}/dashboard`)).body.byProject.find(
      (p: any) => p.projectId === s.p1.id,
    );
    expect([row.committedCents, row.actualCents]).to.deep.equal([g.totals.committedCents, g.totals.actualCents]);
    expect(g.totals.links).to.deep.equal({
      committed: `/expenses?grantId=${s.g1.id}&projectId=${s.p1.id}&status=committed%2Cactual&from=2025-01-01&to=2025-12-31`,
      actual: `/expenses?grantId=${s.g1.id}&projectId=${s.p1.id}&status=actual&paidFrom=2025-01-01&paidTo=2025-12-31`,
    });
    for (const c of [g.totals, ...g.byCategory]) {
      expect(await followLink(auditor, c.links.committed), c.links.committed).to.equal(c.committedCents);
      expect(await followLink(auditor, c.links.actual), c.links.actual).to.equal(c.actualCents);
    }
    // P2 is funded by G1 but spent nothing in 2025.
    const p2 = (await auditor.get(`/api/projects/${s.p2.id}/dashboard`)).body.auditorBudget.grants;
    expect(p2.map((x: any) => [x.grantId, x.totals.committedCents, x.totals.actualCents])).to.deep.equal([
      [s.g1.id, 0, 0],
    ]);

    const page = await auditor.get(`/projects/${s.p1.id}/dashboard`);
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.include('Votre accès d’auditeur est limité à certains financements')
      .and.include('ne sont pas affichés')
      .and.include(`${s.g1.reference}), du 01/01/2025 au 31/12/2025`)
      .and.include(`href="/grants/${s.g1.id}/dashboard"`)
      .and.not.include('Du temps à l’argent')
      .and.not.include('Coûts des lieux')
      .and.not.include('584,33 €')
      .and.not.include('464,33 €')
      .and.not.include(s.g2.reference);
    const hrefs = pageExpenseLinks(page.text);
    const shown = [...page.text.matchAll(/href="\/expenses\?[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(hrefs).to.have.length(2 * (3 + 1));
    for (const [i, href] of hrefs.entries())
      expect(formatCents(await followLink(auditor, href)), href).to.equal(shown[i]);
    expect(shown.slice(-2)).to.deep.equal([formatCents(23060), formatCents(21060)]);

    // Unscoped readers: the whole project budget, as before.
    const lead = (await (await signedIn('project_lead')).get(`/api/projects/${s.p1.id}/dashboard`)).body;
    const unscoped = (await (await signedIn('auditor')).get(`/api/projects/${s.p1.id}/dashboard`)).body;
    for (const d of [lead, unscoped]) {
      expect(d.auditorBudget).to.equal(null);
      expect(d.budget.totals).to.include({ committedCents: 58433, actualCents: 46433 });
      expect(d.budget.timeToMoney.claims).to.be.greaterThan(0);
      expect(d.venueCosts).to.not.equal(null);
    }
  });

  it('when an auditor is scoped to one grant and 2025, then they see that grant within 2025 only', async () => {
    const auditor = await signedIn('auditor');
    await ctx().deps.db('auditor_scopes').insert({
      user_id: auditor.user.id,
      grant_id: s.g1.id,
      from_date: '2025-01-01',
      to_date: '2025-12-31',
      expires_at: '2027-01-01T00:00:00Z',
    });
    expect((await auditor.get(`/api/grants/${s.g1.id}/dashboard`)).status).to.equal(200);
    expect((await auditor.get(`/api/grants/${s.g2.id}/dashboard`)).status).to.equal(404);
    expect((await auditor.get(`/api/grants/${s.g2.id}/statement?from=2025-01-01&to=2025-12-31`)).status).to.equal(404);
    const inside = await fetchBytes(auditor, `/api/grants/${s.g1.id}/statement?format=csv`);
    expect(inside.status).to.equal(200);
    expect(inside.bytes.toString('utf8'))
      .to.include('Total général;;;2 ligne(s);;210,60')
      .and.not.include(s.expenses.e5.reference);
    expect((await auditor.get(`/api/grants/${s.g1.id}/statement?from=2025-01-01&to=2026-06-30`)).status).to.equal(403);
    expect((await auditor.get(`/api/grants/${s.g1.id}/financial-report?year=2025`)).status).to.equal(200);
    expect((await auditor.get(`/api/grants/${s.g1.id}/financial-report?year=2026`)).status).to.equal(403);
    expect((await auditor.get(`/api/grants/${s.g1.id}/evidence.zip?from=2026-01-01&to=2026-12-31`)).status).to.equal(
      403,
    );
    expect(
      (await auditor.post(`/api/grants/${s.g1.id}/drawdowns`, { from: '2025-01-01', to: '2025-12-31' })).status,
    ).to.equal(403);
    const page = await auditor.get(`/grants/${s.g1.id}/exports`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('value="2025-12-31"').and.not.include('Enregistrer les explications');
  });
});
