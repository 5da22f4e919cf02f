import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { freshIban, spaced } from '../payees/ibans.js';
import { approvedClaim, payingSetup } from './helpers.js';

describe('payments: paying the organisation’s own account needs a reason', () => {
  let restore: Record<string, unknown>;
  const OWN = freshIban();
  before(async () => {
    const admin = await signedIn('admin');
    const current = (await admin.get('/api/settings')).body.settings;
    restore = { payerMode: current.payerMode, sepaVersion: current.sepaVersion, debtor: current.debtor };
    const set = await admin.patch('/api/settings', {
      payerMode: 'sepa_transfer',
      debtor: { name: 'Régie du Département', iban: OWN, bic: null },
    });
    expect(set.status, set.text).to.equal(200);
  });
  after(async () => {
    await (await signedIn('admin')).patch('/api/settings', restore);
  });

  it('when staff give a payee the organisation’s own IBAN (however typed), then 409 own_iban_requires_override and nothing is stored; with a reason it is stored, warned and audited as a code', async () => {
    const staff = await signedIn('staff');
    const person = await createParticipant();
    const db = ctx().deps.db;
    const refused = await staff.post(`/api/participants/${person.id}/payees`, { iban: spaced(OWN).toLowerCase() });
    expect(refused.status, refused.text).to.equal(409);
    expect(refused.body.error.code).to.equal('own_iban_requires_override');
    expect(refused.body.error.details).to.deep.equal([{ field: 'iban', message: 'IBAN du compte de l’organisme' }]);
    expect(await db('payees').where({ participant_id: person.id })).to.have.length(0);

    const kept = await staff.post(`/api/participants/${person.id}/payees`, {
      iban: spaced(OWN),
      override: { reason: 'Remboursement d’une avance versée par erreur à la régie' },
    });
    expect(kept.status, kept.text).to.equal(201);
    expect(kept.body.warnings.map((w: { code: string }) => w.code)).to.include('own_iban');
    const row = await db('payees').where({ id: kept.body.payee.id }).first();
    expect(row.own_iban_override_reason).to.equal('Remboursement d’une avance versée par erreur à la régie');
    const audit = await db('audit_events').where({ action: 'payee.created', record_id: kept.body.payee.id }).first();
    expect(audit.reason_code).to.equal('own_iban_override');
    expect(JSON.stringify(audit.data)).to.not.include('avance');

    const other = await staff.post(`/api/participants/${(await createParticipant()).id}/payees`, { iban: freshIban() });
    expect(other.status, other.text).to.equal(201);
    const moved = await staff.patch(`/api/payees/${other.body.payee.id}`, { iban: OWN });
    expect(moved.status, moved.text).to.equal(409);
    expect(moved.body.error.code).to.equal('own_iban_requires_override');
    const confirmed = await staff.patch(`/api/payees/${other.body.payee.id}`, {
      iban: OWN,
      override: { reason: 'Compte de la régie, voulu' },
    });
    expect(confirmed.status, confirmed.text).to.equal(200);
    const back = await staff.patch(`/api/payees/${other.body.payee.id}`, { iban: freshIban() });
    expect(back.status, back.text).to.equal(200);
    expect((await db('payees').where({ id: other.body.payee.id }).first()).own_iban_override_reason).to.equal(null);
  });

  it('when a staff page form gives the organisation’s own IBAN, then the form asks for the reason and accepts it once given', async () => {
    const staff = await signedIn('staff');
    const person = await createParticipant();
    const asked = await staff.postForm(`/participants/${person.id}/payees`, { kind: 'participant', iban: OWN });
    expect(asked.status).to.equal(409);
    expect(asked.text).to.include('name="overrideReason"').and.include('compte de l’organisme');
    const saved = await staff.postForm(`/participants/${person.id}/payees`, {
      kind: 'participant',
      iban: OWN,
      overrideReason: 'Compte de la régie, voulu',
    });
    expect(saved.status, saved.text).to.equal(303);
    expect(
      await ctx()
        .deps.db('payees')
        .where({ participant_id: person.id, own_iban_override_reason: 'Compte de la régie, voulu' }),
    ).to.have.length(1);
  });

  it('when finance batch a claim whose payee has the organisation’s own IBAN, then 409 naming the claim; with a reason the batch is built, the reason kept on it and audited as a code', async () => {
    const s = await payingSetup();
    const person = await createParticipant();
    await ctx()
      .deps.db('session_participants')
      .insert({ session_id: s.sessionId, participant_id: person.id, status: 'attended', walk_in: true });
    const payee = await s.staff.post(`/api/participants/${person.id}/payees`, {
      iban: OWN,
      override: { reason: 'Compte de la régie, voulu' },
    });
    expect(payee.status, payee.text).to.equal(201);
    const claim = await approvedClaim(s, person.id);

    const refused = await s.finance.post('/api/payment-batches', { claimIds: [claim.id], kind: 'transfer' });
    expect(refused.status, refused.text).to.equal(409);
    expect(refused.body.error.code).to.equal('own_iban_requires_override');
    expect(refused.body.error.message).to.include(claim.reference);
    expect((await ctx().deps.db('claims').where({ id: claim.id }).first()).status).to.not.equal('in_batch');

    const page = await s.finance.postForm('/payments/new', { kind: 'transfer', claimIds: claim.id, action: 'create' });
    expect(page.status).to.equal(409);
    expect(page.text).to.include('name="overrideReason"').and.include(claim.reference);

    const built = await s.finance.post('/api/payment-batches', {
      claimIds: [claim.id],
      kind: 'transfer',
      override: { reason: 'Régularisation interne validée par le comptable' },
    });
    expect(built.status, built.text).to.equal(201);
    const db = ctx().deps.db;
    expect((await db('payment_batches').where({ id: built.body.id }).first()).own_iban_override_reason).to.equal(
      'Régularisation interne validée par le comptable',
    );
    const audit = await db('audit_events').where({ action: 'payment_batch.created', record_id: built.body.id }).first();
    expect(audit.reason_code).to.equal('own_iban_override');
    expect(JSON.stringify(audit.data)).to.not.include('Régularisation');
    expect((await s.finance.get(`/payments/${built.body.id}`)).text).to.include(
      'Régularisation interne validée par le comptable',
    );
  });
});
