import { expect } from 'chai';
import { pdfText } from '../helpers/documents.js';
import { createVenue } from '../helpers/logistics.js';
import { approvedClaim, attendee, exportedBatch, mileage, payingSetup, type PaySetup } from '../payments/helpers.js';
import { fetchBytes, movingClock, pdfBytes } from './helpers.js';
import { parse as parseCsv } from 'csv-parse/sync';

/**
 * The acceptance scenario through the real API of every capability: a project funded by two
 * grants (A 70 %, B 20 %, own budget 10 %), two mileage claims paid over two years, a catering
 * invoice and a venue booking with its invoice. Expected figures are computed by hand below.
 */
describe('grant reports end to end (real claims, payments, bookings and invoices)', function () {
  this.timeout(120_000);
  let s: PaySetup;
  let grantA: { id: string; reference: string };
  let grantB: { id: string };
  const refs: Record<string, string> = {};
  const { at, follow } = movingClock();

  before(async () => {
    await at('2026-02-01T10:00:00+01:00');
    s = await payingSetup(); // a held session on 12/03/2026, 14:00–17:00
    follow(s.staff, s.lead, s.finance);
    const grant = async (body: object) => {
      const r = await s.finance.post('/api/grants', body);
      expect(r.status, r.text).to.equal(201);
      return r.body as { id: string; reference: string };
    };
    const base = {
      periodStart: '2026-01-01',
      periodEnd: '2027-12-31',
      totalCents: 1_000_000,
      eligibleCategories: ['mileage', 'catering', 'venue'],
    };
    grantA = await grant({
      ...base,
      funder: 'Financeur A (e2e)',
      cofundingRateBp: 5000,
      ceilings: [
        { year: 2026, ceilingCents: 10000 },
        { year: 2027, ceilingCents: 100000 },
      ],
      projects: [{ projectId: s.project.id, shareBp: 7000 }],
    });
    grantB = await grant({
      ...base,
      funder: 'Financeur B (e2e)',
      cofundingRateBp: 4000,
      projects: [{ projectId: s.project.id, shareBp: 2000 }],
    });
    for (const [g, category, amountCents] of [
      [grantA, 'mileage', 50000],
      [grantA, 'catering', 30000],
      [grantA, 'venue', 20000],
      [grantB, 'mileage', 20000],
    ] as const) {
      const r = await s.finance.post(`/api/grants/${g.id}/budget-lines`, { category, year: 2026, amountCents });
      expect(r.status, r.text).to.be.oneOf([200, 201]);
    }

    // Two mileage claims entered and decided four days after the session.
    await at('2026-03-16T10:00:00+01:00');
    const c1 = await approvedClaim(s, (await attendee(s)).id, [mileage(420)]);
    const c2 = await approvedClaim(s, (await attendee(s)).id, [mileage(1000)]);
    expect([c1.amountCents, c2.amountCents]).to.deep.equal([1344, 3200]);
    refs.c1 = c1.reference;
    refs.c2 = c2.reference;

    // A venue booked for a second session, confirmed (committed), its invoice paid on 01/07/2026.
    const venue = await createVenue({ costMode: 'day', costCents: 15000 });
    const session = await s.staff.post('/api/sessions', {
      projectId: s.project.id,
      title: 'Atelier en salle',
      kind: 'workshop',
      startsAt: '2026-06-10T09:00:00+02:00',
      endsAt: '2026-06-10T16:00:00+02:00',
      capacity: 20,
      venueId: venue.id,
    });
    expect(session.status, session.text).to.equal(201);
    const confirmed = await s.staff.post(`/api/bookings/${session.body.booking.id}/confirm`);
    expect(confirmed.status, confirmed.text).to.equal(200);
    const booked = await s.finance.get(`/api/expenses?projectId=${s.project.id}&source=booking`);
    expect(booked.body.items).to.have.length(1);
    refs.booking = booked.body.items[0].reference;
    const invoiced = await s.finance.upload(
      'POST',
      `/api/expenses/${booked.body.items[0].id}/invoice`,
      { paidOn: '2026-07-01' },
      { field: 'file', name: 'salle.pdf', bytes: pdfBytes('venue'), type: 'application/pdf' },
    );
    expect(invoiced.status, invoiced.text).to.equal(200);

    // A catering invoice whose number starts like a formula.
    const catering = await s.finance.upload(
      'POST',
      '/api/expenses',
      {
        projectId: s.project.id,
        category: 'catering',
        amountCents: '12000',
        incurredOn: '2026-03-12',
        paidOn: '2026-05-02',
        invoiceNumber: '-SUM(1)',
        supplier: 'Traiteur',
      },
      { field: 'file', name: 'traiteur.pdf', bytes: pdfBytes('catering'), type: 'application/pdf' },
    );
    expect(catering.status, catering.text).to.equal(201);
    refs.catering = catering.body.reference;

    // Claim 1 paid on 10/04/2026, claim 2 on 20/01/2027.
    await at('2026-04-10T10:00:00+02:00');
    const b1 = await exportedBatch(s, [c1.id]);
    expect((await s.finance.post(`/api/payment-batches/${b1.id}/mark-paid`, {})).status).to.equal(200);
    await at('2027-01-20T10:00:00+01:00');
    const b2 = await exportedBatch(s, [c2.id]);
    expect((await s.finance.post(`/api/payment-batches/${b2.id}/mark-paid`, {})).status).to.equal(200);
    await at('2027-02-15T10:00:00+01:00');
  });

  it('when the reports are read, then they match the hand-computed table', async () => {
    // Splits (largest remainder): 13,44 → A 9,41 / B 2,69 / own 1,34; 32,00 → 22,40 / 6,40 / 3,20;
    // 120,00 catering → A 84,00 (B has no catering line: own); 150,00 venue → A 105,00.
    const d = (await s.finance.get(`/api/grants/${grantA.id}/dashboard`)).body;
    expect(
      d.byLine.map((l: any) => [l.category, l.year, l.plannedCents, l.committedCents, l.actualCents]),
    ).to.have.deep.members([
      ['mileage', 2026, 50000, 3181, 3181],
      ['catering', 2026, 30000, 8400, 8400],
      ['venue', 2026, 20000, 10500, 10500],
    ]);
    expect(d.totals).to.include({
      plannedCents: 100000,
      committedCents: 22081,
      actualCents: 22081,
      remainingCents: 77919,
    });
    expect((await s.finance.get(`/api/grants/${grantB.id}/dashboard`)).body.totals).to.include({
      plannedCents: 20000,
      actualCents: 909,
    });

    const csv = (
      await fetchBytes(s.finance, `/api/grants/${grantA.id}/statement?from=2026-01-01&to=2027-12-31&format=csv`)
    ).bytes.toString('utf8');
    // Parsed as a spreadsheet would: a label holding a comma is a quoted cell.
    const rows = parseCsv(csv, { delimiter: ';', bom: true, relax_column_count: true }) as string[][];
    expect(
      rows
        .slice(1, 5)
        .map((r) => [r[0], r[2], r[3] === refs.booking || r[3] === refs.catering ? r[3] : r[4], r[5], r[7]]),
    ).to.deep.equal([
      ['10/04/2026', 'Indemnités kilométriques 2026', refs.c1, 'sans justificatif (barème)', '9,41'],
      ['02/05/2026', 'Restauration, collations 2026', refs.catering, "'-SUM(1)", '84,00'],
      ['01/07/2026', 'Location de salles 2026', refs.booking, rows[3][5], '105,00'],
      ['20/01/2027', 'Indemnités kilométriques 2026', refs.c2, 'sans justificatif (barème)', '22,40'],
    ]);
    expect(csv)
      .to.include(';;Total Indemnités kilométriques 2026;;;2 ligne(s);;31,81\r\n')
      .and.include(';;Total général;;;4 ligne(s);;220,81\r\n');
    const pdf = pdfText(
      (await fetchBytes(s.finance, `/api/grants/${grantA.id}/statement?from=2026-01-01&to=2027-12-31&format=pdf`))
        .bytes,
    );
    expect(pdf)
      .to.include('9,41 €')
      .and.include('84,00 €')
      .and.include('105,00 €')
      .and.include('22,40 €')
      .and.include('220,81 €');

    const report = (await s.finance.get(`/api/grants/${grantA.id}/financial-report?year=2026`)).body;
    expect(
      report.rows.map((r: any) => [r.category, r.plannedCents, r.actualCents, r.gapCents, r.gapPercent]),
    ).to.deep.equal([
      ['mileage', 50000, 941, -49059, -98.1],
      ['venue', 20000, 10500, -9500, -47.5],
      ['catering', 30000, 8400, -21600, -72],
    ]);
    expect(report.totals).to.deep.equal({
      plannedCents: 100000,
      actualCents: 19841,
      gapCents: -80159,
      gapPercent: -80.2,
    });
    const r2027 = (await s.finance.get(`/api/grants/${grantA.id}/financial-report?year=2027`)).body;
    expect(r2027.rows.map((r: any) => [r.category, r.plannedCents, r.actualCents, r.gapPercent])).to.deep.equal([
      ['mileage', 0, 2240, null],
    ]);

    const project = (await s.lead.get(`/api/projects/${s.project.id}/dashboard`)).body.budget;
    // Session ended 12/03/2026: submitted and decided on 16/03 (4 days), paid 10/04/2026 (29) and 20/01/2027 (314).
    expect(project.timeToMoney).to.deep.equal({
      claims: 2,
      toSubmission: { count: 2, medianDays: 4, p90Days: 4 },
      toDecision: { count: 2, medianDays: 4, p90Days: 4 },
      toPayment: { count: 2, medianDays: 29, p90Days: 314 },
    });
  });

  it('when a drawdown is asked, then 50 % of 220,81 € is capped by the 100,00 € ceiling of 2026, and asking again finds nothing', async () => {
    const first = await s.finance.post(`/api/grants/${grantA.id}/drawdowns`, { from: '2026-01-01', to: '2027-12-31' });
    expect(first.status, first.text).to.equal(201);
    expect(first.body).to.include({ number: 1, eligibleActualCents: 22081, requestedCents: 10000, partCount: 4 });
    expect(first.body.years).to.deep.equal([
      { year: 2026, eligibleActualCents: 22081, requestedCents: 10000, ceilingCents: 10000 },
    ]);
    expect(
      (await s.finance.post(`/api/grants/${grantA.id}/drawdowns`, { from: '2026-01-01', to: '2027-12-31' })).body.error
        .code,
    ).to.equal('nothing_to_draw_down');
    const expense = await s.finance.get(`/api/expenses?projectId=${s.project.id}&source=booking`);
    expect(expense.body.items[0].parts.find((p: any) => p.grantId === grantA.id).inDrawdown).to.equal(true);
  });
});
