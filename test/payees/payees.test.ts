import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn, createParticipant, createPartner } from '../helpers/factories.js';
import { rowCounts } from '../helpers/routes.js';
import { freshIban, spaced } from './ibans.js';

async function auditEvents(recordId: string) {
  return ctx()
    .deps.db('audit_events')
    .where({ record_id: recordId })
    .orderBy('id')
    .select('action', 'actor_user_id', 'data');
}

describe('payees (API)', () => {
  it('when the IBAN is invalid, then 400 names iban and nothing is stored', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const before = await rowCounts(['web_sessions']);
    const r = await staff.post(`/api/participants/${participant.id}/payees`, {
      iban: 'FR76 3000 6000 0112 3456 7890 188',
    });
    expect(r.status).to.equal(400);
    expect(r.body.error.details).to.deep.include({ field: 'iban', message: 'doit être un IBAN valide' });
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });

  it('when a payee is added, then the IBAN is encrypted at rest, shown masked, and never returned in full', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant({ firstName: 'Aïcha', lastName: 'Benmoussa' });
    const iban = freshIban();
    const r = await staff.post(`/api/participants/${participant.id}/payees`, {
      iban: spaced(iban).toLowerCase(),
      bic: 'bnpa fr pp',
    });
    expect(r.status).to.equal(201);
    expect(r.body.warnings).to.deep.equal([]);
    const payee = r.body.payee;
    expect(payee).to.include({
      kind: 'participant',
      name: 'Aïcha Benmoussa',
      bic: 'BNPAFRPP',
      active: true,
      ibanShared: false,
      participantId: participant.id,
    });
    expect(payee.ibanMasked).to.equal(
      `FR${iban.slice(2, 4)} •••• •••• •••• •••• •••${iban.slice(23, 24)} ${iban.slice(24)}`,
    );
    expect(JSON.stringify(r.body)).to.not.include(iban.slice(4, 20));
    expect(payee).to.not.have.any.keys('ibanCiphertext', 'ibanHash', 'iban');

    // A raw dump of the table holds neither the IBAN nor its account number.
    const { rows } = await ctx().deps.db.raw('SELECT p::text AS line FROM payees p');
    const dump = rows.map((x: { line: string }) => x.line).join('\n');
    expect(dump).to.include(payee.ibanMasked);
    for (const needle of [iban, spaced(iban), iban.slice(4), iban.slice(4, 14), iban.slice(14, 23)])
      expect(dump).to.not.include(needle);

    const list = await staff.get(`/api/participants/${participant.id}/payees`);
    expect(list.status).to.equal(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).to.deep.equal([payee.id]);
    const events = await auditEvents(payee.id);
    expect(events.map((e) => e.action)).to.deep.equal(['payee.created']);
    expect(JSON.stringify(events)).to.not.include(iban.slice(4, 14)).and.not.include('Benmoussa');
  });

  it('when finance reveals an IBAN, then the full IBAN comes back and the reveal is audited; staff and auditors are refused', async () => {
    const staff = await signedIn('staff');
    const finance = await signedIn('finance');
    const participant = await createParticipant();
    const iban = freshIban();
    const { body } = await staff.post(`/api/participants/${participant.id}/payees`, { iban });
    const id = body.payee.id;
    expect((await staff.post(`/api/payees/${id}/reveal-iban`)).status).to.equal(403);
    const auditor = await signedIn('auditor');
    expect((await auditor.post(`/api/payees/${id}/reveal-iban`)).status).to.equal(403);
    expect((await auditor.get(`/api/participants/${participant.id}/payees`)).status).to.equal(403);
    const dpo = await signedIn('dpo');
    expect((await dpo.get(`/api/participants/${participant.id}/payees`)).body.items[0].ibanMasked).to.include('••••');

    const r = await finance.post(`/api/payees/${id}/reveal-iban`);
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal({ payeeId: id, iban });
    expect(r.headers.get('cache-control')).to.equal('no-store');
    const events = await auditEvents(id);
    const reveal = events.find((e) => e.action === 'payee.iban_revealed');
    expect(reveal?.actor_user_id).to.equal(finance.user.id);
    expect(JSON.stringify(reveal)).to.not.include(iban.slice(4, 14));
    const admin = await signedIn('admin');
    expect((await admin.post(`/api/payees/${id}/reveal-iban`)).status).to.equal(200);
    expect((await auditEvents(id)).filter((e) => e.action === 'payee.iban_revealed')).to.have.length(2);
  });

  it('when an IBAN is already used for another participant, then a warning names their reference only', async () => {
    const staff = await signedIn('staff');
    const first = await createParticipant({ lastName: 'Premierdossier' });
    const second = await createParticipant();
    const iban = freshIban();
    expect((await staff.post(`/api/participants/${first.id}/payees`, { iban })).body.warnings).to.deep.equal([]);
    // The same participant twice (e.g. a new payee row) is not a warning.
    expect(
      (
        await staff.post(`/api/participants/${first.id}/payees`, {
          kind: 'legal_representative',
          name: 'Mme Tutrice',
          iban,
        })
      ).body.warnings,
    ).to.deep.equal([]);
    const r = await staff.post(`/api/participants/${second.id}/payees`, { iban: spaced(iban) });
    expect(r.status).to.equal(201);
    expect(r.body.warnings).to.have.length(1);
    expect(r.body.warnings[0].code).to.equal('iban_shared');
    expect(r.body.warnings[0].message)
      .to.include('Cet IBAN est déjà utilisé pour un autre bénéficiaire')
      .and.include(first.reference);
    expect(r.body.warnings[0].message).to.not.include('Premierdossier');
    expect(r.body.payee.ibanShared).to.equal(true);
    const list = await staff.get(`/api/participants/${first.id}/payees`);
    expect(list.body.items.every((p: { ibanShared: boolean }) => p.ibanShared)).to.equal(true);
  });

  it('when the kind needs a name or a partner, then 400 names the field; a partner payee takes the partner’s name', async () => {
    const staff = await signedIn('staff');
    const partner = await createPartner({ name: `Secours Drômois ${randomInt(1e6)}` });
    const participant = await createParticipant({ partnerId: partner.id });
    const noName = await staff.post(`/api/participants/${participant.id}/payees`, {
      kind: 'childcare_provider',
      iban: freshIban(),
    });
    expect(noName.status).to.equal(400);
    expect(noName.body.error.details[0].field).to.equal('name');
    const noPartner = await staff.post(`/api/participants/${participant.id}/payees`, { kind: 'partner' });
    expect(noPartner.body.error.details[0].field).to.equal('partnerId');
    const ok = await staff.post(`/api/participants/${participant.id}/payees`, {
      kind: 'partner',
      partnerId: partner.id,
      iban: freshIban(),
    });
    expect(ok.status).to.equal(201);
    expect(ok.body.payee).to.include({ kind: 'partner', name: partner.name, partnerId: partner.id });
    const childcare = await staff.post(`/api/participants/${participant.id}/payees`, {
      kind: 'childcare_provider',
      name: 'Micro-crèche Les Lutins',
    });
    expect(childcare.body.payee).to.include({ name: 'Micro-crèche Les Lutins', ibanMasked: null });
    const missing = await staff.post('/api/participants/00000000-0000-4000-8000-000000000000/payees', {});
    expect(missing.status).to.equal(404);
  });

  it('when the IBAN is replaced or the payee deactivated, then the masked IBAN follows and each change is audited', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const { body } = await staff.post(`/api/participants/${participant.id}/payees`, { iban: freshIban() });
    const id = body.payee.id;
    const before = await ctx().deps.db('payees').where({ id }).first();
    const next = freshIban();
    const r = await staff.patch(`/api/payees/${id}`, { iban: next, bic: null, name: 'Titulaire Compte Joint' });
    expect(r.status).to.equal(200);
    expect(r.body.payee.ibanMasked.endsWith(next.slice(-3))).to.equal(true);
    expect(r.body.payee.name).to.equal('Titulaire Compte Joint');
    const after = await ctx().deps.db('payees').where({ id }).first();
    expect(after.iban_hash).to.not.equal(before.iban_hash);
    expect(after.iban_key_id).to.equal('k1');
    const off = await staff.patch(`/api/payees/${id}`, { active: false });
    expect(off.body.payee.active).to.equal(false);
    expect((await auditEvents(id)).map((e) => e.action)).to.deep.equal([
      'payee.created',
      'payee.updated',
      'payee.deactivated',
    ]);
    const finance = await signedIn('finance');
    expect((await finance.patch(`/api/payees/${id}`, { active: true })).status).to.equal(403);
    expect((await staff.patch(`/api/payees/${id}`, { iban: 'FR00 1234' })).status).to.equal(400);
  });

  it('when the participant is no longer active, then no payee can be added (staff do not pass the archive door: 403)', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    await ctx()
      .deps.db('participants')
      .where({ id: participant.id })
      .update({ status: 'archived', archived_at: new Date() });
    const r = await staff.post(`/api/participants/${participant.id}/payees`, { iban: freshIban() });
    expect(r.status).to.equal(403);
    expect(r.body.error.code).to.equal('archived_restricted');
    expect(
      Number((await ctx().deps.db('payees').where({ participant_id: participant.id }).count({ n: '*' }))[0].n),
    ).to.equal(0);
  });
});
