import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { createProject, createVenue } from '../helpers/logistics.js';

describe('session pages (forms without JavaScript)', () => {
  it('when the session form has a time skipped by the spring change, then the page says so next to the start time', async () => {
    const staff = await signedIn('staff');
    const project = await createProject();
    const r = await staff.postForm('/sessions', {
      projectId: project.id,
      title: 'Atelier',
      kind: 'workshop',
      date: '2026-03-29',
      startTime: '02:30',
      endTime: '05:00',
      capacity: '10',
    });
    expect(r.status).to.equal(400);
    expect(r.text).to.include('id="f-startTime-error"').and.include('passage à l’heure d’été');
    const ok = await staff.postForm('/sessions', {
      projectId: project.id,
      title: 'Atelier',
      kind: 'workshop',
      date: '2026-10-25',
      startTime: '14:00',
      endTime: '17:00',
      capacity: '10',
    });
    expect(ok.status).to.equal(303);
    const detail = await staff.get(ok.headers.get('location')!);
    expect(detail.text).to.include('dimanche 25 octobre 2026, de 14 h 00 à 17 h 00');
  });

  it('when the solicitation limit is reached on the invitation page, then an override form asks for a reason, and the reason lets it through', async () => {
    const staff = await signedIn('staff');
    const project = await createProject({ solicitationLimit: 1 });
    const p = await createParticipant({ contactConsent: true });
    const first = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Un',
      kind: 'workshop',
      startLocal: '2027-10-05T10:00',
      endLocal: '2027-10-05T12:00',
      capacity: 10,
    });
    const second = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Deux',
      kind: 'workshop',
      startLocal: '2027-10-12T10:00',
      endLocal: '2027-10-12T12:00',
      capacity: 10,
    });
    await staff.post(`/api/sessions/${first.body.id}/invitations`, { participantIds: [p.id] });
    const refused = await staff.postForm(`/sessions/${second.body.id}/invite`, { participantIds: p.id });
    expect(refused.status).to.equal(409);
    expect(refused.text).to.include('Limite de sollicitations atteinte').and.include('name="overrideReason"');
    const empty = await staff.postForm(`/sessions/${second.body.id}/invite`, {
      participantIds: p.id,
      override: '1',
      overrideReason: '',
    });
    expect(empty.status).to.equal(400);
    const ok = await staff.postForm(`/sessions/${second.body.id}/invite`, {
      participantIds: p.id,
      override: '1',
      overrideReason: 'Membre du comité de suivi',
    });
    expect(ok.status).to.equal(200);
    expect(ok.text).to.include('1 invitation(s)');
  });

  it('when a booking on the session page overlaps a confirmed one, then the page shows the conflict in French', async () => {
    const staff = await signedIn('staff');
    const project = await createProject();
    const venue = await createVenue();
    const a = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Comité A',
      kind: 'committee',
      startLocal: '2027-11-09T09:00',
      endLocal: '2027-11-09T12:00',
      capacity: 10,
      venueId: venue.id,
    });
    await staff.post(`/api/bookings/${a.body.booking.id}/confirm`);
    const b = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Comité B',
      kind: 'committee',
      startLocal: '2027-11-09T11:00',
      endLocal: '2027-11-09T13:00',
      capacity: 10,
      venueId: venue.id,
    });
    const r = await staff.postForm(`/sessions/${b.body.id}/booking/confirm`, {});
    expect(r.status).to.equal(303);
    const page = await staff.get(`/sessions/${b.body.id}`);
    expect(page.text).to.include(
      'Ce lieu est déjà réservé pour la session « Comité A », mardi 9 novembre 2027, de 9 h 00 à 12 h 00.',
    );
    expect(await ctx().deps.db('bookings').where({ id: b.body.booking.id }).first('status')).to.deep.equal({
      status: 'option',
    });
  });

  it('when the venue form has capacity 0, then the page names the field; a valid venue is saved', async () => {
    const staff = await signedIn('staff');
    const bad = await staff.postForm('/venues', { name: 'Salle', capacity: '0', costMode: 'free' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('id="f-capacity-error"');
    const ok = await staff.postForm('/venues', {
      name: 'Salle du Temple de Crest',
      capacity: '50',
      costMode: 'half_day',
      cost: '45,50',
      stepFreeAccess: 'on',
    });
    expect(ok.status).to.equal(303);
    const row = await ctx()
      .deps.db('venues')
      .where({ name: 'Salle du Temple de Crest' })
      .first('cost_cents', 'step_free_access');
    expect(row).to.deep.equal({ cost_cents: 4550, step_free_access: true });
  });
});
