import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn, createParticipant, createPartner } from '../helpers/factories.js';
import { liveConsentPurposes } from '../../server/consents/index.js';
import { today, daysFromToday, auditActions } from './helpers.js';

const PROFILE = {
  profile_age_band: '30-44',
  profile_activity: 'job_seeker',
  profile_household: 'single_parent',
  profile_commune_insee: '26362',
};

describe('consents: withdrawal', () => {
  it('when the profile consent is withdrawn, then the profile columns are erased at once; repeating answers the same 200', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const db = ctx().deps.db;
    await db('participants').where({ id: participant.id }).update(PROFILE);
    const { body } = await staff.post(`/api/participants/${participant.id}/consents`, {
      purposeCode: 'profile',
      channel: 'paper',
      givenOn: daysFromToday(-10),
    });
    const path = `/api/participants/${participant.id}/consents/${body.consent.id}/withdraw`;
    const early = await staff.post(path, { withdrawnOn: daysFromToday(-11), channel: 'phone' });
    expect(early.status).to.equal(400);
    expect(early.body.error.details[0].field).to.equal('withdrawnOn');
    expect(await db('participants').where({ id: participant.id }).first(Object.keys(PROFILE))).to.deep.equal(PROFILE);

    const r = await staff.post(path, { withdrawnOn: today(), channel: 'phone' });
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ status: 'withdrawn', withdrawnOn: today(), withdrawalChannel: 'phone' });
    const row = await db('participants').where({ id: participant.id }).first(Object.keys(PROFILE));
    expect(row).to.deep.equal({
      profile_age_band: null,
      profile_activity: null,
      profile_household: null,
      profile_commune_insee: null,
    });
    const consentRow = await db('consents').where({ id: body.consent.id }).first();
    expect(consentRow.withdrawn_by).to.equal(staff.user.id); // a dated event, the row stays

    const again = await staff.post(path, { channel: 'email' });
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.equal(r.body);
    expect(await auditActions(body.consent.id)).to.deep.equal(['consent.recorded', 'consent.withdrawn']);
    const event = await db('audit_events').where({ record_id: body.consent.id, action: 'consent.withdrawn' }).first();
    expect(event.data).to.deep.include({ purposeCode: 'profile', effects: ['profile_erased'] });
  });

  it('when the needs consent is withdrawn, then needs and their note are erased; contact goes through the partner when there is one', async () => {
    const staff = await signedIn('dpo');
    const partner = await createPartner();
    const participant = await createParticipant({
      needs: ['step_free_access', 'childcare'],
      partnerId: partner.id,
      preferredChannel: 'email',
    });
    const db = ctx().deps.db;
    await db('participants').where({ id: participant.id }).update({ needs_note: 'Fauteuil roulant' });
    const base = `/api/participants/${participant.id}/consents`;
    const needs = (await staff.post(base, { purposeCode: 'needs', channel: 'paper', givenOn: today() })).body.consent;
    const contact = (await staff.post(base, { purposeCode: 'contact', channel: 'paper', givenOn: today() })).body
      .consent;
    expect((await staff.post(`${base}/${needs.id}/withdraw`, { channel: 'oral' })).status).to.equal(200);
    expect(await db('participants').where({ id: participant.id }).first('needs', 'needs_note')).to.deep.equal({
      needs: [],
      needs_note: null,
    });
    expect((await staff.post(`${base}/${contact.id}/withdraw`, { channel: 'paper' })).status).to.equal(200);
    expect(
      (await db('participants').where({ id: participant.id }).first('preferred_channel')).preferred_channel,
    ).to.equal('partner');
  });

  it('when consents are given, withdrawn, superseded or expired, then liveConsentPurposes lists only the live ones', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const base = `/api/participants/${participant.id}/consents`;
    await staff.post(base, { purposeCode: 'contact', channel: 'paper', givenOn: daysFromToday(-5) });
    await staff.post(base, { purposeCode: 'contact', channel: 'online', givenOn: today() });
    await staff.post(base, {
      purposeCode: 'media',
      channel: 'paper',
      givenOn: daysFromToday(-400),
      expiresOn: daysFromToday(-1),
    });
    await staff.post(base, {
      purposeCode: 'profile',
      channel: 'paper',
      givenOn: daysFromToday(-20),
      expiresOn: daysFromToday(1),
    });
    const needs = (await staff.post(base, { purposeCode: 'needs', channel: 'paper', givenOn: today() })).body.consent;
    await staff.post(`${base}/${needs.id}/withdraw`, { channel: 'paper' });
    const live = await liveConsentPurposes(ctx().deps.db, participant.id, today());
    expect([...live].sort()).to.deep.equal(['contact', 'profile']);
    expect([...(await liveConsentPurposes(ctx().deps.db, participant.id, daysFromToday(2)))]).to.deep.equal([
      'contact',
    ]);
    const statuses = (await staff.get(base)).body.items.map(
      (c: { purposeCode: string; status: string }) => `${c.purposeCode}:${c.status}`,
    );
    expect(statuses).to.have.members([
      'contact:live',
      'contact:superseded',
      'media:expired',
      'profile:live',
      'needs:withdrawn',
    ]);
  });

  it('when the consent belongs to someone else or a role may not withdraw, then 404 or 403', async () => {
    const staff = await signedIn('staff');
    const a = await createParticipant();
    const b = await createParticipant();
    const consent = (
      await staff.post(`/api/participants/${a.id}/consents`, {
        purposeCode: 'contact',
        channel: 'paper',
        givenOn: today(),
      })
    ).body.consent;
    expect(
      (await staff.post(`/api/participants/${b.id}/consents/${consent.id}/withdraw`, { channel: 'paper' })).status,
    ).to.equal(404);
    const finance = await signedIn('finance');
    expect(
      (await finance.post(`/api/participants/${a.id}/consents/${consent.id}/withdraw`, { channel: 'paper' })).status,
    ).to.equal(403);
  });
});
