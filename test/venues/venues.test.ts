import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { createProject, createVenue, nextSlot } from '../helpers/logistics.js';
import { expireBookingOptions } from '../../server/venues/index.js';
import { systemActing } from '../../server/shared/acting.js';
import { settingsLoader } from '../../server/settings/index.js';

describe('venues', () => {
  it('when staff add venues, then the search filters by capacity, commune, cost and needed attributes', async () => {
    const staff = await signedIn('staff');
    const tag = `Die-${Date.now()}`;
    const a = await staff.post('/api/venues', {
      name: `${tag} Maison des associations`,
      capacity: 40,
      communeInsee: '26113',
      communeName: 'Die',
      stepFreeAccess: true,
      hearingLoop: true,
      costMode: 'free',
    });
    expect(a.status, a.text).to.equal(201);
    const b = await staff.post('/api/venues', {
      name: `${tag} Salle paroissiale`,
      capacity: 15,
      communeInsee: '26113',
      communeName: 'Die',
      costMode: 'half_day',
      costCents: 4000,
    });
    expect(b.body).to.include({ costMode: 'half_day', costCents: 4000, stepFreeAccess: false });
    const names = async (query: string) =>
      (await staff.get(`/api/venues?q=${encodeURIComponent(tag)}&${query}`)).body.items.map(
        (v: { name: string }) => v.name,
      );
    expect(await names('minCapacity=20')).to.deep.equal([`${tag} Maison des associations`]);
    expect(await names('commune=26113')).to.have.length(2);
    expect(await names('commune=die')).to.have.length(2);
    expect(await names('cost=paid')).to.deep.equal([`${tag} Salle paroissiale`]);
    expect(await names('needs=step_free_access,hearing_loop')).to.deep.equal([`${tag} Maison des associations`]);
    // The search folds accents and case, on the name, the address and the commune, and follows a rename.
    const found = async (q: string) =>
      (await staff.get(`/api/venues?q=${encodeURIComponent(q)}`)).body.items.map((v: { id: string }) => v.id);
    expect(await found(`${tag.toUpperCase()} salle PAROISSIALE`)).to.deep.equal([b.body.id]);
    const renamed = await staff.patch(`/api/venues/${b.body.id}`, { name: `${tag} Médiathèque` });
    expect(renamed.status, renamed.text).to.equal(200);
    expect(await found(`${tag} mediatheque`)).to.deep.equal([b.body.id]);
    expect(await found(`${tag} salle paroissiale`)).to.deep.equal([]);
    const off = await staff.patch(`/api/venues/${b.body.id}`, { active: false });
    expect(off.body.active).to.equal(false);
    expect(await names('')).to.have.length(1);
  });

  it('when a venue has capacity 0 or an unknown field, then 400 names the field', async () => {
    const staff = await signedIn('staff');
    const r = await staff.post('/api/venues', { name: 'Salle', capacity: 0 });
    expect(r.status).to.equal(400);
    expect(r.body.error.details[0].field).to.equal('capacity');
  });
});

describe('bookings', () => {
  it('when an option is confirmed, then its cost is computed by half-days; an overlapping confirmation is a 409 naming the session and local time', async () => {
    const staff = await signedIn('staff');
    const project = await createProject();
    const venue = await createVenue({ costMode: 'half_day', costCents: 5000 });
    const session = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Atelier du matin',
      kind: 'workshop',
      startLocal: '2027-03-10T10:00',
      endLocal: '2027-03-10T15:00',
      capacity: 12,
    });
    expect(session.status, session.text).to.equal(201);
    const first = await staff.post('/api/bookings', { venueId: venue.id, sessionId: session.body.id });
    expect(first.status, first.text).to.equal(201);
    expect(first.body).to.include({ status: 'option', costCents: 10000 });
    expect((await staff.post(`/api/bookings/${first.body.id}/confirm`)).body.status).to.equal('confirmed');
    expect((await staff.post(`/api/bookings/${first.body.id}/confirm`)).status).to.equal(200);
    const clash = await staff.post('/api/bookings', {
      venueId: venue.id,
      startsAt: '2027-03-10T14:00:00+01:00',
      endsAt: '2027-03-10T16:00:00+01:00',
    });
    const refused = await staff.post(`/api/bookings/${clash.body.id}/confirm`);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('booking_overlap');
    expect(refused.body.error.message)
      .to.include('« Atelier du matin »')
      .and.include('mercredi 10 mars 2027, de 10 h 00 à 15 h 00');
    const adjacent = await staff.post('/api/bookings', {
      venueId: venue.id,
      startsAt: '2027-03-10T15:00:00+01:00',
      endsAt: '2027-03-10T17:00:00+01:00',
    });
    expect((await staff.post(`/api/bookings/${adjacent.body.id}/confirm`)).status).to.equal(200);
    expect((await staff.post(`/api/bookings/${first.body.id}/cancel`)).body.status).to.equal('cancelled');
    expect((await staff.post(`/api/bookings/${clash.body.id}/confirm`)).status).to.equal(409); // still overlaps the adjacent one
  });

  it('when the venue is unknown, the range is reversed or missing, then 400 names the field', async () => {
    const staff = await signedIn('staff');
    const venue = await createVenue();
    const unknown = await staff.post('/api/bookings', {
      venueId: '00000000-0000-4000-8000-000000000000',
      ...nextSlot(),
    });
    expect(unknown.body.error.details[0].field).to.equal('venueId');
    const slot = nextSlot();
    const reversed = await staff.post('/api/bookings', {
      venueId: venue.id,
      startsAt: slot.endsAt,
      endsAt: slot.startsAt,
    });
    expect(reversed.body.error.details[0].field).to.equal('endsAt');
    const missing = await staff.post('/api/bookings', { venueId: venue.id });
    expect(missing.body.error.details[0].field).to.equal('startsAt');
    const noOffset = await staff.post('/api/bookings', {
      venueId: venue.id,
      startsAt: '2027-03-10T14:00:00',
      endsAt: '2027-03-10T16:00:00+01:00',
    });
    expect(noOffset.status).to.equal(400);
    expect(noOffset.body.error.details[0].field).to.equal('startsAt');
  });

  it('when an option outlives its delay, then the job cancels it and confirming it is refused', async () => {
    const staff = await signedIn('staff');
    const venue = await createVenue();
    const b = await staff.post('/api/bookings', { venueId: venue.id, ...nextSlot() });
    const late = await staff.post('/api/bookings', { venueId: venue.id, ...nextSlot() });
    // Eight days later (the option lasts seven): moving the data, not the clock, keeps the web session alive.
    await ctx()
      .deps.db('bookings')
      .whereIn('id', [b.body.id, late.body.id])
      .update({ option_expires_at: new Date(Date.now() - 86_400_000) });
    expect((await staff.post(`/api/bookings/${late.body.id}/confirm`)).body.error.code).to.equal(
      'booking_option_expired',
    );
    const { deps } = ctx();
    const job = systemActing({ now: deps.now(), settings: settingsLoader(deps.db), runId: 'job' });
    expect(await expireBookingOptions(deps, job)).to.be.greaterThan(0);
    expect((await staff.get(`/api/bookings/${b.body.id}`)).body.status).to.equal('cancelled');
  });

  it('@pg when 20 overlapping bookings of one venue are confirmed at once, then exactly one succeeds and 19 get booking_overlap', async function () {
    this.timeout(30_000);
    const staff = await signedIn('staff');
    const venue = await createVenue();
    const base = Date.UTC(2027, 5, 1, 8, 0);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await staff.post('/api/bookings', {
        venueId: venue.id,
        startsAt: new Date(base + i * 600_000).toISOString(),
        endsAt: new Date(base + 4 * 3600_000 + i * 600_000).toISOString(),
      });
      ids.push(r.body.id);
    }
    const results = await Promise.all(ids.map((id) => staff.post(`/api/bookings/${id}/confirm`)));
    expect(results.filter((r) => r.status === 200)).to.have.length(1);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).to.have.length(19);
    expect(refused.every((r) => r.body.error.code === 'booking_overlap')).to.equal(true);
    const { rows } = await ctx().deps.db.raw(
      "SELECT count(*)::int AS n FROM bookings WHERE venue_id = ? AND status = 'confirmed'",
      [venue.id],
    );
    expect(rows[0].n).to.equal(1);
  });
});
