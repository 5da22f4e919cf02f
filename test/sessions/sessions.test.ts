import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { createProject, createVenue } from '../helpers/logistics.js';
import { rowCounts } from '../helpers/routes.js';

describe('sessions', () => {
  it('when a session is created with local times on the day of the October change, then it keeps them', async () => {
    const staff = await signedIn('staff');
    const project = await createProject();
    const r = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Comité du dimanche',
      kind: 'committee',
      startLocal: '2026-10-25T14:00',
      endLocal: '2026-10-25T17:00',
      capacity: 10,
    });
    expect(r.status, r.text).to.equal(201);
    expect(r.body).to.include({
      startsAt: '2026-10-25T13:00:00.000Z',
      endsAt: '2026-10-25T16:00:00.000Z',
      startLocal: '2026-10-25T14:00',
      endLocal: '2026-10-25T17:00',
      status: 'scheduled',
    });
    const withOffset = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Atelier',
      kind: 'workshop',
      startsAt: '2026-10-24T14:00:00+02:00',
      endsAt: '2026-10-24T16:00:00+02:00',
      capacity: 10,
    });
    expect(withOffset.body.startLocal).to.equal('2026-10-24T14:00');
  });

  it('when a local time does not exist or is ambiguous, or the input is wrong, then 400 names the field and nothing is written', async () => {
    const staff = await signedIn('staff');
    const project = await createProject();
    const before = await rowCounts(['web_sessions']);
    const base = { projectId: project.id, title: 'Atelier', kind: 'workshop', capacity: 10 };
    const field = async (body: Record<string, unknown>) => {
      const r = await staff.post('/api/sessions', { ...base, ...body });
      expect(r.status, JSON.stringify(body)).to.equal(400);
      return r.body.error.details[0];
    };
    const gap = await field({ startLocal: '2026-03-29T02:30', endLocal: '2026-03-29T05:00' });
    expect(gap.field).to.equal('startLocal');
    expect(gap.message).to.include('heure d’été');
    expect((await field({ startLocal: '2026-10-25T02:30', endLocal: '2026-10-25T05:00' })).field).to.equal(
      'startLocal',
    );
    expect((await field({ startsAt: '2026-06-01T14:00:00', endsAt: '2026-06-01T16:00:00+02:00' })).field).to.equal(
      'startsAt',
    );
    expect(
      (await field({ startsAt: '2026-06-01T14:00:00+02:00', endsAt: '2026-06-01T12:00:00+02:00' })).field,
    ).to.equal('endsAt');
    expect(
      (await field({ startsAt: '2026-06-01T14:00:00+02:00', endsAt: '2026-06-01T16:00:00+02:00', capacity: 0 })).field,
    ).to.equal('capacity');
    expect(
      (
        await field({
          startsAt: '2026-06-01T14:00:00+02:00',
          endsAt: '2026-06-01T16:00:00+02:00',
          venueId: '00000000-0000-4000-8000-000000000000',
        })
      ).field,
    ).to.equal('venueId');
    expect(
      (
        await field({
          startsAt: '2026-06-01T14:00:00+02:00',
          endsAt: '2026-06-01T16:00:00+02:00',
          projectId: '00000000-0000-4000-8000-000000000000',
        })
      ).field,
    ).to.equal('projectId');
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });

  it('when a session with a venue moves, then its booking follows and its cost is recomputed', async () => {
    const staff = await signedIn('staff');
    const project = await createProject();
    const venue = await createVenue({ costMode: 'half_day', costCents: 3000 });
    const s = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Atelier',
      kind: 'workshop',
      startLocal: '2027-02-02T09:00',
      endLocal: '2027-02-02T12:00',
      capacity: 10,
      venueId: venue.id,
    });
    expect(s.body.booking).to.include({ venueId: venue.id, status: 'option', costCents: 3000 });
    const moved = await staff.patch(`/api/sessions/${s.body.id}`, { endLocal: '2027-02-02T16:00' });
    expect(moved.body.booking.costCents).to.equal(6000);
    const booking = await staff.get(`/api/bookings/${s.body.booking.id}`);
    expect(booking.body.endsAt).to.equal('2027-02-02T15:00:00.000Z');
  });

  it('when a session is cancelled, then its booking is released, invitees are told, and inviting or booking for it is a 409', async () => {
    const staff = await signedIn('staff');
    const project = await createProject();
    const venue = await createVenue();
    const s = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Atelier annulé',
      kind: 'workshop',
      startLocal: '2027-04-06T14:00',
      endLocal: '2027-04-06T16:00',
      capacity: 10,
      venueId: venue.id,
    });
    await staff.post(`/api/bookings/${s.body.booking.id}/confirm`);
    const byMail = await createParticipant({ contactConsent: true, firstName: 'Inès' });
    const byLetter = await createParticipant({
      contactConsent: true,
      firstName: 'Marcel',
      email: null,
      preferredChannel: 'letter',
    });
    const declined = await createParticipant({ contactConsent: true });
    await staff.post(`/api/sessions/${s.body.id}/invitations`, {
      participantIds: [byMail.id, byLetter.id, declined.id],
    });
    await staff.post(`/api/sessions/${s.body.id}/replies`, { participantId: declined.id, status: 'declined' });
    const cancelled = await staff.post(`/api/sessions/${s.body.id}/cancel`);
    expect(cancelled.status).to.equal(200);
    expect(cancelled.body.status).to.equal('cancelled');
    expect(cancelled.body.booking).to.equal(null);
    expect((await staff.get(`/api/bookings/${s.body.booking.id}`)).body.status).to.equal('cancelled');
    const messages = await ctx()
      .deps.db('outbox_messages')
      .where({ related_id: s.body.id, template: 'session-cancelled' })
      .select('participant_id', 'channel', 'subject');
    expect(messages.map((m) => [m.participant_id, m.channel]).sort()).to.deep.equal(
      [
        [byMail.id, 'email'],
        [byLetter.id, 'letter'],
      ].sort(),
    );
    expect(messages[0].subject).to.equal('Annulation : Atelier annulé, mardi 6 avril 2027');
    expect((await staff.post(`/api/sessions/${s.body.id}/cancel`)).status).to.equal(200);
    const invite = await staff.post(`/api/sessions/${s.body.id}/invitations`, { participantIds: [declined.id] });
    expect(invite.status).to.equal(409);
    expect(invite.body.error.code).to.equal('session_cancelled');
    const book = await staff.post('/api/bookings', { venueId: venue.id, sessionId: s.body.id });
    expect(book.status).to.equal(409);
    expect(book.body.error.code).to.equal('session_cancelled');
    const audit = await ctx()
      .deps.db('audit_events')
      .where({ action: 'session.cancelled', record_id: s.body.id })
      .first('data');
    expect(audit.data).to.deep.equal({ notified: 2, notContacted: 0, bookingReleased: true });
  });

  it('when sessions are listed, then upcoming and past are separated', async () => {
    const staff = await signedIn('staff');
    const project = await createProject();
    await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Passée',
      kind: 'workshop',
      startsAt: '2025-02-01T10:00:00+01:00',
      endsAt: '2025-02-01T12:00:00+01:00',
      capacity: 5,
    });
    await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'À venir',
      kind: 'workshop',
      startsAt: '2030-02-01T10:00:00+01:00',
      endsAt: '2030-02-01T12:00:00+01:00',
      capacity: 5,
    });
    const titles = async (when: string) =>
      (await staff.get(`/api/sessions?projectId=${project.id}&when=${when}`)).body.items.map(
        (s: { title: string }) => s.title,
      );
    expect(await titles('past')).to.deep.equal(['Passée']);
    expect(await titles('upcoming')).to.deep.equal(['À venir']);
  });
});
