import { expect } from 'chai';
import { actingAs } from '../helpers/acting.js';
import { ctx, testConfig } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { createProject, createVenue } from '../helpers/logistics.js';
import { TestSmtp } from '../helpers/smtp.js';
import { pdfText } from '../helpers/documents.js';
import { createMailer, deliverDueEmails, letterBundle } from '../../server/notifications/index.js';

async function sessionAt(
  staff: Awaited<ReturnType<typeof signedIn>>,
  projectId: string,
  startLocal: string,
  endLocal: string,
  extra: Record<string, unknown> = {},
) {
  const r = await staff.post('/api/sessions', {
    projectId,
    title: 'Atelier du guide',
    kind: 'workshop',
    startLocal,
    endLocal,
    capacity: 10,
    ...extra,
  });
  if (r.status !== 201) throw new Error(r.text);
  return r.body as { id: string; booking: { id: string } | null };
}

describe('invitations', () => {
  it('when participants are invited, then each gets an e-mail or a letter by channel, delivered to a real SMTP server', async function () {
    this.timeout(30_000);
    const staff = await signedIn('staff');
    const project = await createProject({ name: 'Guide des aides' });
    const venue = await createVenue({ name: 'Maison des solidarités', stepFreeAccess: true });
    const s = await sessionAt(staff, project.id, '2026-10-25T14:00', '2026-10-25T17:00', {
      venueId: venue.id,
      childcareOnSite: true,
    });
    const mail = await createParticipant({ contactConsent: true, firstName: 'Awa', lastName: 'Diallo' });
    const letter = await createParticipant({
      contactConsent: true,
      firstName: 'Ánh',
      lastName: 'Nguyễn Thị',
      email: null,
      preferredChannel: 'letter',
    });
    const phone = await createParticipant({
      contactConsent: true,
      firstName: 'Paul',
      lastName: 'Morel',
      preferredChannel: 'phone',
    });
    const r = await staff.post(`/api/sessions/${s.id}/invitations`, { participantIds: [mail.id, letter.id, phone.id] });
    expect(r.status, r.text).to.equal(200);
    const channels = Object.fromEntries(
      r.body.invited.map((i: { participantId: string; channel: string }) => [i.participantId, i.channel]),
    );
    expect(channels).to.deep.equal({ [mail.id]: 'email', [letter.id]: 'letter', [phone.id]: 'letter' });
    expect(r.body.warnings).to.deep.equal([]);
    const again = await staff.post(`/api/sessions/${s.id}/invitations`, { participantIds: [mail.id] });
    expect(again.body).to.deep.include({ invited: [], alreadyInvited: [mail.id] });

    const smtp = await new TestSmtp().start();
    const mailer = createMailer(testConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) }));
    try {
      for (let i = 0; i < 10 && !smtp.received.some((m) => m.subject?.startsWith('Invitation : Atelier du guide')); i++)
        await deliverDueEmails(ctx().deps, mailer.send, 50);
    } finally {
      mailer.close();
      await smtp.stop();
    }
    const received = smtp.received.find(
      (m) => (m.to as { value: { address: string }[] }).value[0].address === mail.email,
    )!;
    expect(received.subject).to.equal('Invitation : Atelier du guide, dimanche 25 octobre 2026');
    expect(received.text)
      .to.include('Bonjour Awa Diallo')
      .and.include('dimanche 25 octobre 2026, de 14 h 00 à 17 h 00')
      .and.include('Maison des solidarités')
      .and.include('Bus ligne 1, arrêt Liberté')
      .and.include('Accès sans marche')
      .and.include('Une garde d’enfants est prévue sur place')
      .and.include('peuvent être remboursés');

    const messageIds = r.body.invited
      .filter((i: { channel: string }) => i.channel === 'letter')
      .map((i: { messageId: string }) => i.messageId);
    const { pdf } = await letterBundle(ctx().deps, await actingAs(staff.user.id, ['staff']), { ids: messageIds });
    const text = pdfText(pdf);
    expect(text)
      .to.include('Bonjour Ánh Nguyễn Thị')
      .and.include('dimanche 25 octobre 2026, de 14 h 00 à 17 h 00')
      .and.include('Maison des solidarités')
      .and.include('Bonjour Paul Morel');
  });

  it('when a participant’s needs are not met or the room is full, then warnings come back beside the result', async () => {
    const staff = await signedIn('staff');
    const project = await createProject();
    const venue = await createVenue({ name: 'Salle à l’étage', stepFreeAccess: false, capacity: 2 });
    const s = await sessionAt(staff, project.id, '2027-05-04T14:00', '2027-05-04T16:00', { venueId: venue.id });
    const wheelchair = await createParticipant({
      contactConsent: true,
      firstName: 'Rose',
      lastName: 'Martin',
      needs: ['step_free_access', 'childcare'],
    });
    const others = await Promise.all([
      createParticipant({ contactConsent: true }),
      createParticipant({ contactConsent: true }),
    ]);
    const r = await staff.post(`/api/sessions/${s.id}/invitations`, {
      participantIds: [wheelchair.id, ...others.map((o) => o.id)],
    });
    expect(r.status).to.equal(200);
    const codes = r.body.warnings.map((w: { code: string }) => w.code);
    expect(codes).to.include.members(['need_not_met.step_free_access', 'need_not_met.childcare', 'capacity_exceeded']);
    expect(r.body.warnings.find((w: { code: string }) => w.code === 'need_not_met.step_free_access').message).to.equal(
      'Rose Martin a besoin d’un accès sans marche : le lieu « Salle à l’étage » ne l’offre pas.',
    );
  });

  it('when a participant was solicited up to the limit in the 90 days before, then 409 requires an override; with a reason it passes and is audited without the text', async () => {
    const staff = await signedIn('staff');
    const project = await createProject({ solicitationLimit: 2 });
    const busy = await createParticipant({ contactConsent: true });
    const calm = await createParticipant({ contactConsent: true });
    const s1 = await sessionAt(staff, project.id, '2027-06-01T10:00', '2027-06-01T12:00');
    const s2 = await sessionAt(staff, project.id, '2027-07-01T10:00', '2027-07-01T12:00');
    const s3 = await sessionAt(staff, project.id, '2027-08-01T10:00', '2027-08-01T12:00');
    const farLater = await sessionAt(staff, project.id, '2027-12-01T10:00', '2027-12-01T12:00');
    await staff.post(`/api/sessions/${s1.id}/invitations`, { participantIds: [busy.id] });
    await staff.post(`/api/sessions/${s2.id}/invitations`, { participantIds: [busy.id] });
    const refused = await staff.post(`/api/sessions/${s3.id}/invitations`, { participantIds: [busy.id, calm.id] });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('solicitation_limit_requires_override');
    const reference = (await ctx().deps.db('participants').where({ id: busy.id }).first('reference')).reference;
    expect(refused.body.error.message).to.include(reference);
    expect(
      await ctx()
        .deps.db('session_participants')
        .where({ session_id: s3.id })
        .count({ n: '*' })
        .then((x) => Number(x[0].n)),
    ).to.equal(0);
    const short = await staff.post(`/api/sessions/${s3.id}/invitations`, {
      participantIds: [busy.id],
      override: { reason: 'x' },
    });
    expect(short.body.error.details[0].field).to.equal('override.reason');
    const reason = 'Elle porte la parole du comité des usagers';
    const ok = await staff.post(`/api/sessions/${s3.id}/invitations`, {
      participantIds: [busy.id, calm.id],
      override: { reason },
    });
    expect(ok.status, ok.text).to.equal(200);
    const audit = await ctx()
      .deps.db('audit_events')
      .where({ action: 'session.solicitation_override', record_id: s3.id })
      .first();
    expect(audit.reason_code).to.equal('solicitation_override');
    expect(JSON.stringify(audit)).to.not.include(reason);
    const row = await ctx()
      .deps.db('session_participants')
      .where({ session_id: s3.id, participant_id: busy.id })
      .first();
    expect(row).to.include({ override_reason_code: 'solicitation_override', override_reason: reason });
    expect(
      (await staff.post(`/api/sessions/${farLater.id}/invitations`, { participantIds: [busy.id] })).status,
    ).to.equal(200);
  });

  it('when a participant replies, then the status changes and it counts as a contact', async () => {
    const staff = await signedIn('staff');
    const project = await createProject();
    const s = await sessionAt(staff, project.id, '2027-09-01T10:00', '2027-09-01T12:00');
    const p = await createParticipant({ contactConsent: true });
    await ctx()
      .deps.db('participants')
      .where({ id: p.id })
      .update({ last_contact_at: new Date('2025-01-01T00:00:00Z') });
    await staff.post(`/api/sessions/${s.id}/invitations`, { participantIds: [p.id] });
    const r = await staff.post(`/api/sessions/${s.id}/replies`, { participantId: p.id, status: 'confirmed' });
    expect(r.body).to.deep.equal({ participantId: p.id, status: 'confirmed' });
    const after = await ctx().deps.db('participants').where({ id: p.id }).first('last_contact_at');
    expect(after.last_contact_at.getUTCFullYear()).to.be.greaterThan(2025);
    const stranger = await createParticipant({ contactConsent: true });
    expect(
      (await staff.post(`/api/sessions/${s.id}/replies`, { participantId: stranger.id, status: 'confirmed' })).body
        .error.details[0].field,
    ).to.equal('participantId');
  });
});
