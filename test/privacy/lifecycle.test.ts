import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { archiveParticipants } from '../../server/privacy/lifecycle.js';
import { hasAccountingRecords, lastPaymentAt } from '../../server/privacy/accounting-repo.js';
import { atClock, createFullPerson, findInPersonalColumns, participantRow, runRetention, years } from './helpers.js';

// The app shares one database with every other test file, so these walks happen in the past:
// people created "now" by other tests have a last contact in the future of the clock and are
// never due, while the people created here with an old last contact are.

describe('personal-data lifecycle (controlled clock)', () => {
  it('when a person without accounting records passes the end of the active period, then retention anonymises them at once and no personal column holds anything of theirs', async () => {
    const t0 = new Date('2001-03-15T10:00:00Z');
    const person = await createFullPerson({ lastContactAt: t0 });
    const dpo = await signedIn('dpo');
    const staff = await signedIn('staff');
    expect(await hasAccountingRecords(ctx().deps.db, person.id)).to.equal(false);
    expect(await lastPaymentAt(ctx().deps.db, person.id)).to.equal(null);

    // One day before the end of the active period (2 years): nothing happens.
    await atClock(years(t0, 2, -1), async () => {
      await runRetention(dpo, 'apply');
      expect((await participantRow(person.id)).status).to.equal('active');
      expect(await findInPersonalColumns([person.last_name])).to.not.be.empty;
    });

    await atClock(years(t0, 2, 1), async () => {
      const result = await runRetention(dpo, 'apply');
      expect(result.participants.anonymise).to.be.at.least(1);
      expect(result.participants.archive).to.equal(0);
      expect(result.erased.anonymise.participants).to.include.keys(
        'identity',
        'contact',
        'special_category_health',
        'profile',
      );
      const row = await participantRow(person.id);
      expect(row).to.include({
        status: 'anonymised',
        reference: person.reference,
        first_name: null,
        last_name: null,
        email: null,
        phone: null,
        partner_id: null,
        needs_note: null,
      });
      expect(row.needs).to.deep.equal([]);
      expect(row.anonymised_at.toISOString()).to.equal(years(t0, 2, 1).toISOString());
      expect(await findInPersonalColumns(person.needles)).to.deep.equal([]);
      // The rows that carry no identity any more stay (reference, consent dates, the request itself).
      const payee = await ctx().deps.db('payees').where({ participant_id: person.id }).first();
      expect(payee).to.include({ name: null, iban_ciphertext: null, iban_hash: null, iban_masked: null, bic: null });
      const file = await ctx().deps.db('files').where({ id: person.fileId }).first();
      expect(file.content).to.equal(null);
      expect(file.erased_at).to.be.instanceOf(Date);
      expect(await ctx().deps.db('consents').where({ participant_id: person.id }).count({ n: '*' })).to.deep.equal([
        { n: 2 },
      ]);
      const request = await ctx().deps.db('privacy_requests').where({ id: person.requestId }).first();
      expect(request).to.include({ kind: 'access', requester_note: null });
      // Staff cannot export; the DPO's export now holds nothing that identifies the person.
      expect((await staff.get(`/api/participants/${person.id}/export`)).status).to.equal(403);
      const exported = await dpo.get(`/api/participants/${person.id}/export`);
      expect(exported.status).to.equal(200);
      for (const needle of person.needles) expect(exported.text).to.not.include(needle);
    });
  });

  it('when an archived person reaches the end of accounting retention, then they are anonymised; until then only what accounting needs remains', async () => {
    // This person has no paid claim (runs would anonymise them at once): the archiving step
    // itself is applied here, as a run would for a paid person, then retention takes over
    // (receipts.test.ts walks a person with a real paid claim through the runs).
    const t1 = new Date('2003-06-10T09:00:00Z');
    const person = await createFullPerson({ lastContactAt: new Date('2001-01-05T09:00:00Z') });
    const db = ctx().deps.db;
    const dpo = await signedIn('dpo');
    await atClock(t1, async () => {
      const erased = await db.transaction(async (trx) => {
        await trx('participants').where({ id: person.id }).forUpdate();
        return archiveParticipants(trx, [person.id], ctx().deps.now());
      });
      expect(erased.participants).to.include.keys(
        'contact',
        'special_category_health',
        'profile',
        'relationship',
        'identity',
      );
      expect(erased.payees ?? {}).to.deep.equal({}); // bank details stay for accounting
    });
    const archived = await participantRow(person.id);
    expect(archived).to.include({
      status: 'archived',
      first_name: person.first_name,
      last_name: person.last_name,
      email: null,
      phone: null,
      guardian_name: null,
      civility: null,
      is_minor: false,
      preferred_channel: 'letter',
    });
    expect(archived.archived_at.toISOString()).to.equal(t1.toISOString());
    const payee = await db('payees').where({ participant_id: person.id }).first();
    expect(payee.name).to.equal(`${person.first_name} ${person.last_name}`);
    expect(ctx().deps.keyring.decrypt(payee.iban_ciphertext, payee.iban_key_id)).to.equal(person.iban);
    expect((await db('files').where({ id: person.fileId }).first()).content).to.equal(null);
    // Only the accounting columns still hold the person: names and bank details.
    expect((await findInPersonalColumns([person.email!, person.phone, person.guardian])).sort()).to.deep.equal([]);
    expect((await findInPersonalColumns([person.last_name])).sort()).to.deep.equal([
      'participants.last_name',
      'payees.name',
    ]);

    await atClock(years(t1, 10, -1), async () => {
      await runRetention(dpo, 'apply');
      expect((await participantRow(person.id)).status).to.equal('archived');
    });
    await atClock(years(t1, 10, 1), async () => {
      const result = await runRetention(dpo, 'apply');
      expect(result.participants.anonymise).to.be.at.least(1);
      expect(result.erased.anonymise.payees).to.include({ identity: 1, bank: 1 });
      expect(await participantRow(person.id)).to.include({ status: 'anonymised', first_name: null, last_name: null });
      expect(await findInPersonalColumns(person.needles)).to.deep.equal([]);
    });
  });

  it('when a consent was given after the last recorded contact, then it counts as the last contact', async () => {
    const contact = new Date('2005-02-01T09:00:00Z');
    const person = await createFullPerson({ lastContactAt: contact });
    await ctx().deps.db('consents').insert({
      participant_id: person.id,
      purpose_code: 'media',
      legal_basis: 'consent',
      text_version: 1,
      channel: 'paper',
      given_on: '2006-01-10',
    });
    const dpo = await signedIn('dpo');
    await atClock(years(contact, 2, 30), async () => {
      await runRetention(dpo, 'apply');
      expect((await participantRow(person.id)).status).to.equal('active');
    });
    await atClock(new Date('2008-01-12T09:00:00Z'), async () => {
      await runRetention(dpo, 'apply');
      expect((await participantRow(person.id)).status).to.equal('anonymised');
    });
  });
});
