import { expect } from 'chai';
import { signedIn } from '../helpers/factories.js';
import { createVenue } from '../helpers/logistics.js';
import { approvedClaim, attendee, exportedBatch, mileage, payingSetup } from '../payments/helpers.js';
import { TICKET } from '../claims/helpers.js';
import { freshIban } from '../payees/ibans.js';
import { db, expensesOfClaim, fundedGrant, lineOf } from './helpers.js';

const actualOf = async (claimIds: string[]) =>
  Number(
    (await db()('expenses').whereIn('claim_id', claimIds).where({ status: 'actual' }).sum({ s: 'amount_cents' }))[0]
      .s ?? 0,
  );

describe('grants: advances and cancellations', () => {
  it('when a paid advance is settled for less, then the advance’s expenses are cancelled and the settlement’s are actual on the advance’s payment day: actual = paid − to recover', async () => {
    const s = await payingSetup();
    const g = await fundedGrant(s.finance, s.project.id, { transport: 1_000_000 }, { year: 2027 });
    const future = await s.staff.post('/api/sessions', {
      projectId: s.project.id,
      title: 'Comité',
      kind: 'committee',
      capacity: 10,
      startsAt: '2027-05-04T09:00:00+02:00',
      endsAt: '2027-05-04T12:00:00+02:00',
    });
    await db()('session_participants').insert({
      session_id: future.body.id,
      participant_id: s.person.id,
      status: 'confirmed',
      invited_at: new Date(),
    });
    expect((await s.staff.post(`/api/participants/${s.person.id}/payees`, { iban: freshIban() })).status).to.equal(201);
    const advance = await s.staff.post('/api/claims', {
      participantId: s.person.id,
      sessionIds: [future.body.id],
      isAdvance: true,
      lines: [TICKET(2500)],
      submit: true,
    });
    expect(advance.status, advance.text).to.equal(201);
    const decided = await s.lead.post(`/api/claims/${advance.body.id}/decision`, {
      lines: [{ lineId: advance.body.lines[0].id, grantedCents: 2500 }],
      override: { reason: 'Avance sur estimation' },
    });
    expect(decided.status, decided.text).to.equal(200);
    const [ae] = await expensesOfClaim(advance.body.id);
    expect(ae).to.include({ status: 'committed', incurred_on: '2027-05-04', category: 'transport' });
    expect((await lineOf(s.finance, g.id, 'transport', 2027)).committedCents).to.equal(2500);

    const batch = await exportedBatch(s, [advance.body.id]);
    // (The clock stays: moving it to 2027 would expire the sign-in; the payment is dated today.)
    expect((await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {})).status).to.equal(200);
    expect(await actualOf([advance.body.id])).to.equal(2500);
    const advancePaidOn = (await expensesOfClaim(advance.body.id))[0].paid_on;
    expect(advancePaidOn).to.match(/^\d{4}-\d{2}-\d{2}$/);

    await db()('sessions')
      .where({ id: future.body.id })
      .update({ starts_at: new Date('2026-03-20T08:00:00Z'), ends_at: new Date('2026-03-20T11:00:00Z') });
    await db()('session_participants')
      .where({ session_id: future.body.id, participant_id: s.person.id })
      .update({ status: 'attended' });
    const settled = await s.staff.post(`/api/claims/${advance.body.id}/settle`, {
      lines: [{ ...TICKET(2000), travelDate: '2027-05-04' }],
    });
    expect(settled.status, settled.text).to.equal(201);
    const line = settled.body.lines[0];
    const final = await s.lead.post(`/api/claims/${settled.body.id}/decision`, {
      lines: [{ lineId: line.id, grantedCents: line.eligibleCents }],
      override: { reason: 'Ticket perdu, montant vérifié' },
    });
    expect(final.status, final.text).to.equal(200);
    expect(final.body.toRecoverCents).to.equal(2500 - line.eligibleCents);
    expect((await expensesOfClaim(advance.body.id))[0].status).to.equal('cancelled');
    const [se] = await expensesOfClaim(settled.body.id);
    expect(se).to.include({ status: 'actual', paid_on: advancePaidOn });
    // Paid 2500, to recover 2500 − granted: the actual spend of the chain is what was granted.
    expect(await actualOf([advance.body.id, settled.body.id])).to.equal(2500 - final.body.toRecoverCents);
    const l = await lineOf(s.finance, g.id, 'transport', 2027);
    expect(l.committedCents + l.actualCents).to.equal(line.eligibleCents);
  });

  it('when a decided claim is cancelled before payment, then its expenses are cancelled and free the budget line', async () => {
    const s = await payingSetup();
    const g = await fundedGrant(s.finance, s.project.id, { transport: 100_000 });
    const c = await s.staff.post('/api/claims', {
      participantId: s.person.id,
      sessionIds: [s.sessionId],
      lines: [TICKET(1800)],
      submit: true,
    });
    const d = await s.lead.post(`/api/claims/${c.body.id}/decision`, {
      lines: [{ lineId: c.body.lines[0].id, grantedCents: 1800 }],
      override: { reason: 'Ticket à venir' },
    });
    expect(d.status, d.text).to.equal(200);
    expect((await lineOf(s.finance, g.id, 'transport')).committedCents).to.equal(1800);
    const cancel = await s.staff.post(`/api/claims/${c.body.id}/cancel`, {});
    expect(cancel.status, cancel.text).to.equal(200);
    expect((await expensesOfClaim(c.body.id))[0].status).to.equal('cancelled');
    expect((await lineOf(s.finance, g.id, 'transport')).committedCents).to.equal(0);
  });

  it('when a booking confirmation would overspend the venue line, then 409; staff cannot overrule; a staff member who is also in finance can, with a reason', async () => {
    const s = await payingSetup();
    await fundedGrant(s.finance, s.project.id, { venue: 1000 });
    const venue = await createVenue({ costMode: 'day', costCents: 50_000 });
    const sess = await s.staff.post('/api/sessions', {
      projectId: s.project.id,
      title: 'Atelier coûteux',
      kind: 'workshop',
      capacity: 10,
      startsAt: '2026-07-01T09:00:00+02:00',
      endsAt: '2026-07-01T17:00:00+02:00',
    });
    const b = await s.staff.post('/api/bookings', { venueId: venue.id, sessionId: sess.body.id });
    expect(b.status, b.text).to.equal(201);
    const blocked = await s.staff.post(`/api/bookings/${b.body.id}/confirm`, {});
    expect(blocked.status).to.equal(409);
    expect(blocked.body.error.code).to.equal('budget_exceeded_requires_override');
    expect((await db()('bookings').where({ id: b.body.id }).first('status')).status).to.equal('option');
    expect(
      (await s.staff.post(`/api/bookings/${b.body.id}/confirm`, { override: { reason: 'Pas d’autre salle' } })).status,
    ).to.equal(403);
    const both = await signedIn('staff', 'finance');
    const ok = await both.post(`/api/bookings/${b.body.id}/confirm`, {
      override: { reason: 'Pas d’autre salle accessible' },
    });
    expect(ok.status, ok.text).to.equal(200);
    expect((await db()('expenses').where({ booking_id: b.body.id }).first('override_reason')).override_reason).to.equal(
      'Pas d’autre salle accessible',
    );
  });

  it('when a project whose claims were decided and paid before grants existed is attached to a grant, then their lines get expenses (actual on the payment day) on the grant', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const paidClaim = await approvedClaim(s, a.id, [mileage(300)]);
    const openClaim = await approvedClaim(s, a.id, [mileage(200)]);
    const batch = await exportedBatch(s, [paidClaim.id]);
    expect(
      (await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, { paymentIds: [batch.payments[0].id] }))
        .status,
    ).to.equal(200);
    const paidOn = (await expensesOfClaim(paidClaim.id))[0].paid_on;
    // As if decided before this capability: no expense rows.
    for (const id of [paidClaim.id, openClaim.id]) await db()('expenses').where({ claim_id: id }).delete();
    const g = await fundedGrant(s.finance, s.project.id, { mileage: 1_000_000 });
    const [pe] = await expensesOfClaim(paidClaim.id);
    const [oe] = await expensesOfClaim(openClaim.id);
    expect(pe).to.include({ status: 'actual', paid_on: paidOn });
    expect(oe).to.include({ status: 'committed', paid_on: null });
    const line = await lineOf(s.finance, g.id, 'mileage');
    expect(line.actualCents).to.equal(paidClaim.amountCents);
    expect(line.committedCents).to.equal(openClaim.amountCents);
  });
});
