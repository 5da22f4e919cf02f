import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { pdfText } from '../helpers/documents.js';
import { approvedClaim, attendee, exportedBatch, mileage, payingSetup, type PaySetup } from '../payments/helpers.js';
import { checkInvariants } from '../../scripts/fault/invariants.js';
import { fetchBytes, movingClock } from './helpers.js';

/**
 * A drawdown claimed two paid claims; the bank then rejects one payment. The next drawdown
 * withdraws that claim's part and deducts it; once paid again it is claimed again; a claim
 * cancelled after its payment was rejected is withdrawn for good. Figures by hand: a grant at
 * 50 % funding the whole project, mileage claims of 13,44 € (c1), 32,00 € (c2) and 6,40 € (c3).
 */
describe('drawdown withdrawals (payment rejected, claim cancelled)', function () {
  this.timeout(120_000);
  let s: PaySetup;
  let grant: { id: string; reference: string };
  const claims: Record<string, { id: string; reference: string; amountCents: number }> = {};
  const batches: Record<string, { id: string; payments: { id: string; participantId: string }[] }> = {};
  const people: Record<string, string> = {};
  const drawdown = (key: string) =>
    s.finance.request('POST', `/api/grants/${grant.id}/drawdowns`, {
      json: { from: '2026-01-01', to: '2026-12-31' },
      headers: { 'idempotency-key': `withdrawals-${key}` },
    });
  const paymentOf = (batch: string, claim: string) =>
    batches[batch].payments.find((p) => p.participantId === people[claim])!.id;
  const expenseOf = async (claim: string) =>
    (await s.finance.get(`/api/expenses?projectId=${s.project.id}&source=claim_line`)).body.items.find(
      (e: { claimId: string }) => e.claimId === claims[claim].id,
    );
  const { at, follow } = movingClock();

  before(async () => {
    await at('2026-02-01T10:00:00+01:00');
    s = await payingSetup();
    follow(s.staff, s.lead, s.finance);
    const g = await s.finance.post('/api/grants', {
      funder: 'Financeur (retraits)',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      totalCents: 1_000_000,
      cofundingRateBp: 5000,
      eligibleCategories: ['mileage'],
      projects: [{ projectId: s.project.id, shareBp: 10000 }],
    });
    expect(g.status, g.text).to.equal(201);
    grant = g.body;
    expect(
      (
        await s.finance.post(`/api/grants/${grant.id}/budget-lines`, {
          category: 'mileage',
          year: 2026,
          amountCents: 100000,
        })
      ).status,
    ).to.be.oneOf([200, 201]);
    await at('2026-03-16T10:00:00+01:00');
    for (const [key, deciKm] of [
      ['c1', 420],
      ['c2', 1000],
      ['c3', 200],
    ] as const) {
      const person = await attendee(s);
      people[key] = person.id;
      claims[key] = await approvedClaim(s, person.id, [mileage(deciKm)]);
    }
    expect([claims.c1.amountCents, claims.c2.amountCents, claims.c3.amountCents]).to.deep.equal([1344, 3200, 640]);
    await at('2026-04-10T10:00:00+02:00');
    batches.first = await exportedBatch(s, [claims.c1.id, claims.c2.id, claims.c3.id]);
    expect((await s.finance.post(`/api/payment-batches/${batches.first.id}/mark-paid`, {})).status).to.equal(200);
  });

  it('when a claimed payment is rejected, then the next drawdown withdraws its part and deducts it; paid again, it is claimed again', async () => {
    await at('2026-04-20T10:00:00+02:00');
    const first = await drawdown('1');
    expect(first.status, first.text).to.equal(201);
    // (13,44 + 32,00 + 6,40) × 50 % = 25,92.
    expect(first.body).to.include({
      number: 1,
      eligibleActualCents: 5184,
      requestedCents: 2592,
      partCount: 3,
      withdrawnPartCount: 0,
      withdrawnCents: 0,
    });
    expect((await expenseOf('c1')).parts[0].inDrawdown).to.equal(true);

    // The bank rejects c1's payment: its expense is committed again, still in drawdown 1.
    await at('2026-04-25T10:00:00+02:00');
    expect(
      (await s.finance.post(`/api/payments/${paymentOf('first', 'c1')}/reject`, { reasonCode: 'AC04' })).status,
    ).to.equal(200);
    expect((await expenseOf('c1')).status).to.equal('committed');

    // The confirmation page says what the next drawdown would withdraw, and writes nothing.
    const page = await s.finance.get(`/grants/${grant.id}/drawdowns/new?from=2026-01-01&to=2026-12-31`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('1 ligne(s) à retirer').and.include('13,44').and.include('Les retraits l’emportent');
    const withdrawnRows = await ctx()
      .deps.db('drawdown_parts as dp')
      .join('drawdowns as d', 'd.id', 'dp.drawdown_id')
      .where('d.grant_id', grant.id)
      .whereNotNull('dp.withdrawn_by')
      .select('dp.expense_part_id');
    expect(withdrawnRows).to.deep.equal([]);

    // Drawdown 2: nothing new, c1 withdrawn. Due now 50 % of 38,40 = 19,20: 6,72 to deduct.
    const second = await drawdown('2');
    expect(second.status, second.text).to.equal(201);
    expect(second.body).to.include({
      number: 2,
      eligibleActualCents: -1344,
      requestedCents: -672,
      partCount: 0,
      withdrawnPartCount: 1,
      withdrawnCents: 1344,
    });
    expect(second.body.years).to.deep.equal([
      { year: 2026, eligibleActualCents: -1344, requestedCents: -672, ceilingCents: null },
    ]);
    expect((await expenseOf('c1')).parts[0].inDrawdown).to.equal(false);
    const pdf = pdfText((await fetchBytes(s.finance, `/api/drawdowns/${second.body.id}/document.pdf`)).bytes);
    expect(pdf)
      .to.include('Demande de versement n° 2')
      .and.include('Régularisation')
      .and.include('Retraits : 1 ligne(s)')
      .and.include('13,44 €');
    const csv = (await fetchBytes(s.finance, `/api/drawdowns/${second.body.id}/document.csv`)).bytes.toString('utf8');
    const c1Reference = (await expenseOf('c1')).reference;
    const c1Line = csv.split('\r\n').find((l) => l.includes(c1Reference))!;
    expect(c1Line)
      .to.match(/^10\/04\/2026;/)
      .and.match(/;-13,44$/);
    expect(csv).to.include('dont 1 ligne(s) retirée(s)');
    expect(await s.finance.get(`/grants/${grant.id}/exports`).then((r) => r.text)).to.include('1 (-13,44');

    // Nothing changed since: 409.
    const again = await drawdown('2b');
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('nothing_to_draw_down');

    // c1 paid in a new batch on 05/05/2026: drawdown 3 claims it again at its new payment day.
    await at('2026-05-05T10:00:00+02:00');
    batches.second = await exportedBatch(s, [claims.c1.id]);
    expect((await s.finance.post(`/api/payment-batches/${batches.second.id}/mark-paid`, {})).status).to.equal(200);
    const third = await drawdown('3');
    expect(third.status, third.text).to.equal(201);
    expect(third.body).to.include({
      number: 3,
      eligibleActualCents: 1344,
      requestedCents: 672,
      partCount: 1,
      withdrawnPartCount: 0,
    });
    const rows = await ctx()
      .deps.db('drawdown_parts as dp')
      .join('expense_parts as ep', 'ep.id', 'dp.expense_part_id')
      .join('expenses as e', 'e.id', 'ep.expense_id')
      .where('e.claim_id', claims.c1.id)
      .orderBy('dp.paid_on')
      .select('dp.drawdown_id', 'dp.withdrawn_by', 'dp.paid_on');
    expect(rows).to.deep.equal([
      { drawdown_id: first.body.id, withdrawn_by: second.body.id, paid_on: '2026-04-10' },
      { drawdown_id: third.body.id, withdrawn_by: null, paid_on: '2026-05-05' },
    ]);
  });

  it('when a claim is cancelled after its payment was rejected, then the next drawdown withdraws it for good, and the drawdowns add up to what is due', async () => {
    await at('2026-06-01T10:00:00+02:00');
    expect(
      (await s.finance.post(`/api/payments/${paymentOf('first', 'c3')}/reject`, { reasonCode: 'AC04' })).status,
    ).to.equal(200);
    const cancelled = await s.staff.post(`/api/claims/${claims.c3.id}/cancel`, {
      reasonNote: 'Compte clos, la personne renonce',
    });
    expect(cancelled.status, cancelled.text).to.equal(200);
    expect((await expenseOf('c3')).status).to.equal('cancelled');
    const fourth = await drawdown('4');
    expect(fourth.status, fourth.text).to.equal(201);
    // Due: 50 % of 45,44 = 22,72; requested so far 25,92 − 6,72 + 6,72 = 25,92 → 3,20 deducted.
    expect(fourth.body).to.include({
      number: 4,
      eligibleActualCents: -640,
      requestedCents: -320,
      withdrawnPartCount: 1,
      withdrawnCents: 640,
    });
    const list = (await s.finance.get(`/api/grants/${grant.id}/drawdowns`)).body.items as {
      requestedCents: number;
      eligibleActualCents: number;
    }[];
    expect(list.reduce((sum, d) => sum + d.requestedCents, 0)).to.equal(2272);
    expect(list.reduce((sum, d) => sum + d.eligibleActualCents, 0)).to.equal(1344 + 3200);
    const check = (await checkInvariants(ctx().deps.db, { outboxDelivered: false })).find((r) =>
      r.name.startsWith('drawdowns'),
    )!;
    expect(check.violations).to.deep.equal([]);
    expect(check.checked).to.be.greaterThan(0);
  });
});
