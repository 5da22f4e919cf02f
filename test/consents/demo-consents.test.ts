import { expect } from 'chai';
import { isValidIBAN } from 'ibantools';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { demoIban, frenchIban, seedConsentsAndPayees } from '../../server/demo/consents.js';

describe('consents: demo data', () => {
  it('when demo IBANs are generated, then they pass the French RIB key and ISO 13616 checks', () => {
    expect(frenchIban('30006', '00001', '12345678901')).to.equal('FR7630006000011234567890189');
    for (let n = 0; n < 50; n++) expect(isValidIBAN(demoIban(n)), demoIban(n)).to.equal(true);
    expect(demoIban(3)).to.equal(demoIban(3));
  });

  it('when the demo step runs on participants, then they get consents (one oral, witnessed), payees with a childcare provider and a shared IBAN, and one withdrawal; a second run adds nothing', async () => {
    const db = ctx().deps.db;
    const claire = await db('users').where({ email: 'claire.martin@departement.example' }).first('id');
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await createParticipant({ lastName: `Démo${i}` }));
    const ids = people.map((p) => p.id);
    await seedConsentsAndPayees(ctx().deps, { 'claire.martin@departement.example': claire.id }, ids);

    const consents = await db('consents')
      .whereIn('participant_id', ids)
      .select('participant_id', 'purpose_code', 'channel', 'witness_user_id', 'withdrawn_on');
    for (const id of ids)
      expect(consents.some((c) => c.participant_id === id && c.purpose_code === 'contact')).to.equal(true);
    expect(new Set(consents.filter((c) => c.purpose_code === 'contact').map((c) => c.channel))).to.deep.equal(
      new Set(['paper', 'oral', 'online']),
    );
    expect(consents.filter((c) => c.channel === 'oral').every((c) => c.witness_user_id === claire.id)).to.equal(true);
    expect(consents.filter((c) => c.purpose_code === 'bank_details')).to.have.length(3);
    expect(consents.filter((c) => c.withdrawn_on)).to.have.length(1);

    const staff = await signedIn('staff');
    const payees = (await staff.get(`/api/participants/${ids[2]}/payees`)).body.items;
    expect(payees.map((p: { kind: string }) => p.kind)).to.have.members(['participant', 'childcare_provider']);
    const shared = (await staff.get(`/api/participants/${ids[4]}/payees`)).body.items;
    expect(shared[0].ibanShared).to.equal(true);
    expect(await db('payees').whereIn('participant_id', [ids[1], ids[3], ids[5]]).count({ n: '*' })).to.deep.equal([
      { n: 0 },
    ]);

    const counts = async () => [
      Number((await db('consents').whereIn('participant_id', ids).count({ n: '*' }))[0].n),
      Number((await db('payees').whereIn('participant_id', ids).count({ n: '*' }))[0].n),
    ];
    const before = await counts();
    await seedConsentsAndPayees(ctx().deps, { 'claire.martin@departement.example': claire.id }, ids);
    expect(await counts()).to.deep.equal(before);
  });
});
