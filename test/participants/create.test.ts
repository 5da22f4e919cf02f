import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn, createPartner, uniqueEmail } from '../helpers/factories.js';
import { rowCounts } from '../helpers/routes.js';
import { auditOf, fields, giveConsent, newPerson, tag } from './support.js';

describe('participants: registering and changing', () => {
  it('when staff register a person, then a P- reference is generated, the commune name resolved, the phone normalised and the creation audited without personal data', async () => {
    const staff = await signedIn('staff');
    const body = newPerson({
      civility: 'mme',
      phone: '+33 6 39 98 00 01',
      addressLine1: '3 rue Bouffier',
      preferredChannel: 'phone',
    });
    const r = await staff.post('/api/participants', body);
    expect(r.status).to.equal(201);
    expect(r.body.reference).to.match(/^P-\d{4}-\d{5}$/);
    expect(r.body).to.include({
      firstName: 'Amina',
      lastName: body.lastName,
      communeName: 'Valence',
      phone: '06 39 98 00 01',
      preferredChannel: 'phone',
      status: 'active',
    });
    expect(r.body.needs).to.deep.equal([]);
    const row = await ctx().deps.db('participants').where({ id: r.body.id }).first();
    expect(row.created_by).to.equal(staff.user.id);
    expect(row.last_contact_at).to.be.instanceOf(Date);
    const events = await auditOf(r.body.id);
    expect(events.map((e) => e.action)).to.deep.equal(['participant.created']);
    expect(JSON.stringify(events)).to.not.include(body.lastName).and.not.include(body.email).and.not.include('06 39');
  });

  it('when no channel is chosen, then the first usable one is taken (e-mail, phone, letter, partner)', async () => {
    const staff = await signedIn('staff');
    const partner = await createPartner();
    const viaPartner = await staff.post('/api/participants', {
      firstName: 'Noé',
      lastName: `Relais${tag()}`,
      partnerId: partner.id,
    });
    expect(viaPartner.status).to.equal(201);
    expect(viaPartner.body).to.include({ preferredChannel: 'partner', partnerName: partner.name });
    const byLetter = await staff.post('/api/participants', {
      firstName: 'Noé',
      lastName: `Lettre${tag()}`,
      addressLine1: '1 place de la Liberté',
      postalCode: '26400',
      communeInsee: '26108',
    });
    expect(byLetter.body.preferredChannel).to.equal('letter');
  });

  it('when the input breaks a rule, then 400 names each field and nothing is written', async () => {
    const staff = await signedIn('staff');
    const before = await rowCounts(['web_sessions']);
    const cases: [Record<string, unknown>, string[]][] = [
      [newPerson({ email: 'pas-une-adresse' }), ['email']],
      [newPerson({ phone: '12 34' }), ['phone']],
      [newPerson({ communeInsee: '99999' }), ['communeInsee']],
      [newPerson({ postalCode: '2600' }), ['postalCode']],
      [{ firstName: 'Sans', lastName: 'Contact' }, ['contact']],
      [newPerson({ isMinor: true }), ['guardianName']],
      [newPerson({ preferredChannel: 'letter' }), ['preferredChannel']],
      [newPerson({ partnerId: '00000000-0000-4000-8000-000000000000' }), ['partnerId']],
      [newPerson({ firstName: '', lastName: undefined }), ['firstName', 'lastName']],
      [newPerson({ needs: ['jetpack'] }), ['needs.0']],
    ];
    for (const [body, expected] of cases) {
      const r = await staff.post('/api/participants', body);
      expect(r.status, JSON.stringify(body)).to.equal(400);
      expect(r.body.error.code).to.equal('validation_failed');
      expect(fields(r), JSON.stringify(body)).to.include.members(expected);
    }
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });

  it('when needs or profile are given without their consent, then 409 consent_required names them; with a live consent the change is saved', async () => {
    const staff = await signedIn('staff');
    const atCreation = await staff.post(
      '/api/participants',
      newPerson({ needs: ['childcare'], profileAgeBand: '30-44' }),
    );
    expect(atCreation.status).to.equal(409);
    expect(atCreation.body.error.code).to.equal('consent_required');
    expect(fields(atCreation)).to.have.members(['needs', 'profileAgeBand']);

    const created = await staff.post('/api/participants', newPerson());
    const id = created.body.id;
    const denied = await staff.patch(`/api/participants/${id}`, { needs: ['step_free_access'] });
    expect(denied.status).to.equal(409);
    expect(fields(denied)).to.deep.equal(['needs']);

    await giveConsent(id, 'needs');
    await giveConsent(id, 'profile', { expiresOn: '2026-01-31', givenOn: '2025-01-01' }); // expired: no live consent
    const needs = await staff.patch(`/api/participants/${id}`, {
      needs: ['step_free_access', 'large_print'],
      needsNote: 'Fauteuil',
    });
    expect(needs.status).to.equal(200);
    expect(needs.body.needs).to.deep.equal(['step_free_access', 'large_print']);
    const profile = await staff.patch(`/api/participants/${id}`, { profileActivity: 'retired' });
    expect(profile.status).to.equal(409);
    expect(fields(profile)).to.deep.equal(['profileActivity']);
    const cleared = await staff.patch(`/api/participants/${id}`, { needs: [], profileActivity: null });
    expect(cleared.status).to.equal(200);
    const events = await auditOf(id);
    expect(events.map((e) => e.action)).to.deep.equal([
      'participant.created',
      'participant.updated',
      'participant.updated',
    ]);
    expect(events[1].data.fields).to.have.members(['needs', 'needsNote']);
  });

  it('when a change is made, then last contact does not move (only contacts from the person count), and resending the same values changes nothing', async () => {
    const staff = await signedIn('staff');
    const created = await staff.post('/api/participants', newPerson());
    const before = await ctx().deps.db('participants').where({ id: created.body.id }).first();
    const r = await staff.patch(`/api/participants/${created.body.id}`, {
      phone: '06 39 98 00 02',
      preferredChannel: 'phone',
    });
    expect(r.status).to.equal(200);
    expect(r.body.phone).to.equal('06 39 98 00 02');
    const after = await ctx().deps.db('participants').where({ id: created.body.id }).first();
    expect(after.last_contact_at.getTime()).to.equal(before.last_contact_at.getTime());
    const again = await staff.patch(`/api/participants/${created.body.id}`, { phone: '0639980002' });
    expect(again.status).to.equal(200);
    expect((await auditOf(created.body.id)).length).to.equal(2);
    const unusable = await staff.patch(`/api/participants/${created.body.id}`, { phone: null });
    expect(unusable.status).to.equal(400);
    expect(fields(unusable)).to.deep.equal(['preferredChannel']);
  });

  it('when a likely duplicate exists, then 409 lists it; repeating with an override reason creates the record and audits only the reason code', async () => {
    const staff = await signedIn('staff');
    const first = await staff.post('/api/participants', newPerson({ phone: '06 39 98 01 01' }));
    const sameEmail = await staff.post('/api/participants', newPerson({ email: first.body.email.toUpperCase() }));
    expect(sameEmail.status).to.equal(409);
    expect(sameEmail.body.error.code).to.equal('participant_duplicate_requires_override');
    expect(sameEmail.body.error.details).to.deep.equal([
      {
        field: 'duplicates',
        message: `${first.body.reference} : même adresse e-mail`,
        id: first.body.id,
        reference: first.body.reference,
        matches: ['email'],
      },
    ]);
    const samePhone = await staff.post('/api/participants', newPerson({ phone: '0639980101' }));
    expect(samePhone.body.error.details[0].matches).to.deep.equal(['phone']);
    const sameName = await staff.post('/api/participants', {
      firstName: 'amina',
      lastName: first.body.lastName.toUpperCase(),
      phone: '06 39 98 01 02',
      communeInsee: '26362',
    });
    expect(sameName.body.error.details[0].matches).to.deep.equal(['name_commune']);
    const otherCommune = await staff.post('/api/participants', {
      firstName: 'Amina',
      lastName: first.body.lastName,
      phone: '06 39 98 01 03',
      communeInsee: '26281',
    });
    expect(otherCommune.status).to.equal(201);

    const reason = 'Homonyme confirmée au téléphone';
    const forced = await staff.post('/api/participants', {
      ...newPerson({ email: first.body.email }),
      override: { reason },
    });
    expect(forced.status).to.equal(201);
    const [event] = await auditOf(forced.body.id);
    expect(event.reason_code).to.equal('duplicate_override');
    expect(event.data.duplicateIds).to.deep.equal([first.body.id]);
    expect(JSON.stringify(event)).to.not.include(reason);
    const short = await staff.post('/api/participants', {
      ...newPerson({ email: first.body.email }),
      override: { reason: 'x' },
    });
    expect(short.status).to.equal(400);
    expect(fields(short)).to.deep.equal(['override.reason']);
  });

  it('when a role other than staff or admin writes, then 403', async () => {
    for (const role of ['project_lead', 'finance', 'dpo', 'auditor'] as const) {
      const client = await signedIn(role);
      expect((await client.post('/api/participants', newPerson({ email: uniqueEmail('r') }))).status, role).to.equal(
        403,
      );
    }
  });
});
