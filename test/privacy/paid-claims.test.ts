import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { createProject } from '../helpers/logistics.js';
import { createFullPerson, findInPersonalColumns, participantRow } from './helpers.js';

/** A claim paid to the person (status set directly: the payments capability comes later). */
async function paidClaim(participantId: string) {
  const db = ctx().deps.db;
  const project = await createProject();
  const payee = await db('payees').where({ participant_id: participantId }).first('id');
  const now = new Date();
  await db('claims').insert({
    participant_id: participantId,
    payee_id: payee.id,
    project_id: project.id,
    status: 'paid',
    departure_at: now,
    return_at: new Date(now.getTime() + 3600_000),
    decided_at: now,
    amount_requested_cents: 1344,
    amount_eligible_cents: 1344,
    amount_granted_cents: 1344,
  });
}

describe('erasure of a person with paid claims', () => {
  it('when the DPO erases a person with a paid claim, then only what accounting needs remains; staff cannot read it, finance can and the read is audited', async () => {
    const person = await createFullPerson();
    await paidClaim(person.id);
    const dpo = await signedIn('dpo');
    const r = await dpo.post(`/api/participants/${person.id}/erase`, { reasonCode: 'erasure_request' });
    expect(r.status, r.text).to.equal(200);
    expect(r.body).to.include({ status: 'archived', outcome: 'archived' });
    const row = await participantRow(person.id);
    expect(row).to.include({
      first_name: person.first_name,
      last_name: person.last_name,
      email: null,
      phone: null,
      address_line1: null,
      guardian_name: null,
      needs_note: null,
      profile_age_band: null,
    });
    expect(row.needs).to.deep.equal([]);
    // Only the accounting columns still hold the person's data: name and bank details.
    const left = await findInPersonalColumns(person.needles);
    expect(
      left.every((c) => /^(participants\.(first_name|last_name)|payees\.(name|iban_.*))/.test(c)),
      left.join(', '),
    ).to.equal(true);
    expect(left).to.have.members(['participants.first_name', 'participants.last_name', 'payees.name']);
    // The IBAN is kept, encrypted (never in clear, so no scan finds it), for the payments to prove.
    const payee = await ctx()
      .deps.db('payees')
      .where({ participant_id: person.id })
      .first('iban_ciphertext', 'iban_masked');
    expect(payee.iban_ciphertext).to.be.a('string');
    expect(ctx().deps.keyring.decrypt(payee.iban_ciphertext, 'k1')).to.equal(person.iban);

    const staff = await signedIn('staff');
    const refused = await staff.get(`/api/participants/${person.id}`);
    expect(refused.status).to.equal(403);
    const finance = await signedIn('finance');
    const read = await finance.get(`/api/participants/${person.id}`);
    expect(read.status).to.equal(200);
    expect(read.body.lastName).to.equal(person.last_name);
    const audited = await ctx()
      .deps.db('audit_events')
      .where({ action: 'participant.archived_read', record_id: person.id, actor_user_id: finance.user.id })
      .count({ n: '*' });
    expect(Number(audited[0].n)).to.equal(1);
  });
});
