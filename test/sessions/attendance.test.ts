import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { createProject, createVenue } from '../helpers/logistics.js';
import { pdfText } from '../helpers/documents.js';
import { hasAttended } from '../../server/sessions/index.js';

async function pdfOf(client: Awaited<ReturnType<typeof signedIn>>, path: string) {
  const res = await fetch(`${ctx().baseUrl}${path}`, {
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  expect(res.status).to.equal(200);
  expect(res.headers.get('content-type')).to.include('application/pdf');
  return pdfText(Buffer.from(await res.arrayBuffer()));
}

describe('attendance', () => {
  it('when the attendance sheet is printed, then it shows the project, local date, place and names sorted, Nguyễn included', async () => {
    const staff = await signedIn('staff');
    const project = await createProject({ name: 'Refonte du guide' });
    const venue = await createVenue({ name: 'Centre social Le Polygone' });
    const s = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Atelier n° 3',
      kind: 'workshop',
      startLocal: '2026-10-25T14:00',
      endLocal: '2026-10-25T17:00',
      capacity: 10,
      venueId: venue.id,
    });
    const people = [
      await createParticipant({ contactConsent: true, firstName: 'Zoé', lastName: 'Bernard' }),
      await createParticipant({ contactConsent: true, firstName: 'Ánh', lastName: 'Nguyễn Thị' }),
      await createParticipant({ contactConsent: true, firstName: 'Luc', lastName: 'Aubert' }),
    ];
    await staff.post(`/api/sessions/${s.body.id}/invitations`, { participantIds: people.map((p) => p.id) });
    const text = await pdfOf(staff, `/api/sessions/${s.body.id}/attendance-sheet`);
    expect(text)
      .to.include('Feuille d’émargement')
      .and.include('Refonte du guide')
      .and.include('Atelier n° 3')
      .and.include('dimanche 25 octobre 2026, de 14 h 00 à 17 h 00')
      .and.include('Centre social Le Polygone')
      .and.include('Signature');
    expect(text).to.include('Nguyễn Thị').and.include('Ánh');
    expect(text.indexOf('Aubert')).to.be.lessThan(text.indexOf('Bernard'));
    expect(text.indexOf('Bernard')).to.be.lessThan(text.indexOf('Nguyễn'));
  });

  it('when attendance is recorded with a walk-in, then the listed people get their status, people left out keep theirs, attendance counts as contact and the session can be held', async () => {
    const staff = await signedIn('staff');
    const project = await createProject();
    const s = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Atelier',
      kind: 'workshop',
      startsAt: '2026-02-03T14:00:00+01:00',
      endsAt: '2026-02-03T16:00:00+01:00',
      capacity: 10,
    });
    const [a, b, walkIn] = [
      await createParticipant({ contactConsent: true }),
      await createParticipant({ contactConsent: true }),
      await createParticipant({ contactConsent: true }),
    ];
    await staff.post(`/api/sessions/${s.body.id}/invitations`, { participantIds: [a.id, b.id] });
    const early = await staff.post(`/api/sessions/${s.body.id}/held`);
    expect(early.status).to.equal(409);
    expect(early.body.error.code).to.equal('attendance_missing');
    const r = await staff.put(`/api/sessions/${s.body.id}/attendance`, {
      entries: [
        { participantId: a.id, status: 'attended' },
        { participantId: b.id, status: 'absent_excused' },
        { participantId: walkIn.id, status: 'attended', walkIn: true },
      ],
    });
    expect(r.status, r.text).to.equal(200);
    const byId = Object.fromEntries(
      r.body.items.map((i: { participantId: string; status: string; walkIn: boolean }) => [
        i.participantId,
        [i.status, i.walkIn],
      ]),
    );
    expect(byId).to.deep.equal({
      [a.id]: ['attended', false],
      [b.id]: ['absent_excused', false],
      [walkIn.id]: ['attended', true],
    });
    expect(await hasAttended(ctx().deps.db, s.body.id, walkIn.id)).to.equal(true);
    expect(await hasAttended(ctx().deps.db, s.body.id, b.id)).to.equal(false);
    const partial = await staff.put(`/api/sessions/${s.body.id}/attendance`, {
      entries: [{ participantId: a.id, status: 'absent' }],
    });
    expect(
      partial.body.items.map((i: { participantId: string; status: string }) => [i.participantId, i.status]).sort(),
    ).to.deep.equal(
      [
        [a.id, 'absent'],
        [b.id, 'absent_excused'],
        [walkIn.id, 'attended'],
      ].sort(),
    );
    const held = await staff.post(`/api/sessions/${s.body.id}/held`);
    expect(held.body.status).to.equal('held');
    expect((await staff.post(`/api/sessions/${s.body.id}/held`)).status).to.equal(200);
    const unknown = await staff.put(`/api/sessions/${s.body.id}/attendance`, {
      entries: [{ participantId: '00000000-0000-4000-8000-000000000000', status: 'attended' }],
    });
    expect(unknown.body.error.details[0].field).to.equal('entries.0.participantId');
  });
});
