import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { createProject } from '../helpers/logistics.js';
import { pdfText } from '../helpers/documents.js';

describe('sessions on the day of the October clock change', () => {
  it('when a session is held on 25 October 2026 at 14:00, then the page, the attendance sheet and the invitation all say 14 h 00', async () => {
    const staff = await signedIn('staff');
    const project = await createProject();
    const created = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Comité du changement d’heure',
      kind: 'committee',
      startLocal: '2026-10-25T14:00',
      endLocal: '2026-10-25T17:00',
      capacity: 10,
    });
    expect(created.status, created.text).to.equal(201);
    const id = created.body.id;
    const person = await createParticipant({ contactConsent: true, lastName: 'Heure' });
    const invited = await staff.post(`/api/sessions/${id}/invitations`, { participantIds: [person.id] });
    expect(invited.status, invited.text).to.be.oneOf([200, 201]);

    const page = await staff.get(`/sessions/${id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('14 h 00');

    const res = await fetch(`${ctx().baseUrl}/api/sessions/${id}/attendance-sheet`, {
      headers: { cookie: [...staff.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(res.status).to.equal(200);
    expect(pdfText(Buffer.from(await res.arrayBuffer()))).to.include('14 h 00');

    const message = await ctx()
      .deps.db('outbox_messages')
      .where({ participant_id: person.id, template: 'invitation' })
      .first('body_text', 'body_html');
    expect(message.body_text).to.include('25 octobre 2026').and.include('14 h 00');
    expect(message.body_text).to.not.include('13 h 00');
  });
});

describe('invitation contact line', () => {
  it('when the organisation has a phone number, then invitations say whom to call', async () => {
    const admin = await signedIn('admin');
    await admin.patch('/api/settings', { phone: '04 75 00 00 00' });
    const staff = await signedIn('staff');
    const project = await createProject();
    const created = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Atelier téléphone',
      kind: 'workshop',
      startLocal: '2027-02-10T14:00',
      endLocal: '2027-02-10T16:00',
      capacity: 10,
    });
    const person = await createParticipant({ contactConsent: true, lastName: 'Appel' });
    await staff.post(`/api/sessions/${created.body.id}/invitations`, { participantIds: [person.id] });
    const message = await ctx()
      .deps.db('outbox_messages')
      .where({ participant_id: person.id, template: 'invitation' })
      .first('body_text');
    expect(message.body_text).to.include('au 04 75 00 00 00');
  });
});
