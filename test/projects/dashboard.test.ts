import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { createProject, createVenue } from '../helpers/logistics.js';

async function giveProfile(
  participantId: string,
  profile: { household: string; activity?: string },
  consent: 'live' | 'withdrawn' | 'none' = 'live',
) {
  const db = ctx().deps.db;
  await db('participants')
    .where({ id: participantId })
    .update({
      profile_household: profile.household,
      profile_activity: profile.activity ?? 'in_work',
      profile_age_band: '30-44',
    });
  if (consent === 'none') return;
  await db('consents').insert({
    participant_id: participantId,
    purpose_code: 'profile',
    legal_basis: 'consent',
    text_version: 1,
    channel: 'paper',
    given_on: '2026-01-05',
    withdrawn_on: consent === 'withdrawn' ? '2026-02-01' : null,
  });
}

describe('project dashboard', () => {
  it('when sessions were held, then attendance, attrition, composition of consented profiles (groups under 5 hidden) and committed venue costs show', async () => {
    const lead = await signedIn('project_lead', 'staff');
    const project = await createProject();
    await lead.patch(`/api/projects/${project.id}`, {
      budget: { venue: 50000 },
      targets: [{ dimension: 'household', value: 'single_parent', percent: 30 }],
    });
    const venue = await createVenue({ costMode: 'day', costCents: 12000 });
    const s1 = (
      await lead.post('/api/sessions', {
        projectId: project.id,
        title: 'Premier atelier',
        kind: 'workshop',
        startsAt: '2026-02-03T14:00:00+01:00',
        endsAt: '2026-02-03T17:00:00+01:00',
        capacity: 20,
        venueId: venue.id,
      })
    ).body;
    const s2 = (
      await lead.post('/api/sessions', {
        projectId: project.id,
        title: 'Deuxième atelier',
        kind: 'workshop',
        startsAt: '2026-03-03T14:00:00+01:00',
        endsAt: '2026-03-03T17:00:00+01:00',
        capacity: 20,
      })
    ).body;
    await lead.post(`/api/bookings/${s1.booking.id}/confirm`);
    const people = [];
    for (let i = 0; i < 8; i++) people.push(await createParticipant({ contactConsent: true }));
    // 6 single parents with a live consent, 1 couple with a live consent, 1 withdrawn (not counted).
    for (let i = 0; i < 6; i++) await giveProfile(people[i].id, { household: 'single_parent' });
    await giveProfile(people[6].id, { household: 'couple' });
    await giveProfile(people[7].id, { household: 'couple' }, 'withdrawn');
    await lead.post(`/api/sessions/${s1.id}/invitations`, { participantIds: people.map((p) => p.id) });
    await lead.put(`/api/sessions/${s1.id}/attendance`, {
      entries: people.map((p, i) => ({ participantId: p.id, status: i < 6 ? 'attended' : 'absent' })),
    });
    await lead.post(`/api/sessions/${s1.id}/held`);
    await lead.put(`/api/sessions/${s2.id}/attendance`, {
      entries: people.slice(0, 3).map((p) => ({ participantId: p.id, status: 'attended', walkIn: true })),
    });
    await lead.post(`/api/sessions/${s2.id}/held`);

    const r = await lead.get(`/api/projects/${project.id}/dashboard`);
    expect(r.status, r.text).to.equal(200);
    expect(
      r.body.sessions.map((s: { title: string; attendanceRate: number }) => [s.title, s.attendanceRate]),
    ).to.deep.equal([
      ['Premier atelier', 75],
      ['Deuxième atelier', 100],
    ]);
    expect(r.body.attrition.map((a: { retainedPercent: number }) => a.retainedPercent)).to.deep.equal([100, 50]);
    const household = r.body.composition.find((c: { dimension: string }) => c.dimension === 'household');
    expect(household.answered).to.equal(7);
    const group = (v: string) => household.groups.find((g: { value: string }) => g.value === v);
    expect(group('single_parent')).to.include({ count: 6, percent: 86, targetPercent: 30 });
    expect(group('couple')).to.include({ count: null, percent: null });
    expect(r.body.venueCosts).to.deep.equal({ committedCents: 12000, plannedCents: 50000 });

    const page = await lead.get(`/projects/${project.id}/dashboard`);
    expect(page.text)
      .to.include('role="img"')
      .and.include('aria-label="Taux de présence par session')
      .and.include('Parent isolé')
      .and.include('120,00 €');
  });
});
