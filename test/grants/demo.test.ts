import { expect } from 'chai';
import { signedIn } from '../helpers/factories.js';
import { db } from './helpers.js';

describe('grants: demo data', () => {
  it('when the demo is loaded, then the Pacte des solidarités grant funds the demo project at 100 %, its bookings, claims and invoices are expenses, and every expense’s parts sum to it', async () => {
    const finance = await signedIn('finance');
    const list = await finance.get(`/api/grants?q=${encodeURIComponent('Pacte des solidarités')}`);
    const pacte = list.body.items.find((g: { agreementNumber: string }) => g.agreementNumber === 'PDS-26-2024-017');
    expect(pacte).to.include({
      funder: 'État — Pacte des solidarités',
      cofundingRateBp: 5000,
      periodStart: '2024-01-01',
      periodEnd: '2027-12-31',
    });
    const grant = (await finance.get(`/api/grants/${pacte.id}`)).body;
    expect(grant.projects).to.have.length(1);
    expect(grant.projects[0].shareBp).to.equal(10000);
    expect(grant.ceilings).to.have.length(4);
    expect(grant.budgetLines.length).to.be.at.least(8 * 4);
    const projectId = grant.projects[0].projectId;
    const paidBookings = await db()('bookings as b')
      .join('sessions as s', 's.id', 'b.session_id')
      .where({ 's.project_id': projectId, 'b.status': 'confirmed' })
      .where('b.cost_cents', '>', 0)
      .select('b.id');
    const bookingExpenses = await db()('expenses')
      .whereIn(
        'booking_id',
        paidBookings.map((b: { id: string }) => b.id),
      )
      .select('id');
    expect(bookingExpenses).to.have.length(paidBookings.length);
    const sources = (await finance.get(`/api/expenses?projectId=${projectId}&limit=200`)).body.items.map(
      (e: { source: string }) => e.source,
    );
    expect(sources).to.include('claim_line').and.include('invoice');
    expect(grant.budgetLines.some((l: { actualCents: number }) => l.actualCents > 0)).to.equal(true);
    const bad = await db().raw(
      `SELECT e.id FROM expenses e LEFT JOIN expense_parts p ON p.expense_id = e.id GROUP BY e.id, e.amount_cents HAVING coalesce(sum(p.amount_cents), 0) <> e.amount_cents`,
    );
    expect(bad.rows).to.deep.equal([]);
  });
});
