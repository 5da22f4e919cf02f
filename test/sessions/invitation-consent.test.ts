import { expect } from 'chai';
import { actingAs } from '../helpers/acting.js';
import { ctx } from '../helpers/context.js';
import { createParticipant, createPartner, giveContactConsent, signedIn } from '../helpers/factories.js';
import { createProject } from '../helpers/logistics.js';
import { pdfText } from '../helpers/documents.js';
import { letterBundle } from '../../server/notifications/index.js';
import { MILEAGE } from '../claims/helpers.js';

const db = () => ctx().deps.db;
const NOT_CONTACTED = 'non contacté·e : pas de consentement';

/** Three people: one whose contact consent was withdrawn (reached through their association since), one who never gave it, one who did. */
async function people(tag: string) {
  const staff = await signedIn('staff');
  const partner = await createPartner({ name: `Entraide ${tag}` });
  const withdrawn = await createParticipant({ firstName: 'Yasmine', lastName: `Retrait${tag}`, partnerId: partner.id });
  const consentId = await giveContactConsent(withdrawn.id);
  const w = await staff.post(`/api/participants/${withdrawn.id}/consents/${consentId}/withdraw`, { channel: 'phone' });
  expect(w.status, w.text).to.equal(200);
  const never = await createParticipant({ firstName: 'Gérard', lastName: `Jamais${tag}` });
  const consenting = await createParticipant({ firstName: 'Nour', lastName: `Accord${tag}`, contactConsent: true });
  return { staff, partner, withdrawn, never, consenting };
}

async function session(
  staff: Awaited<ReturnType<typeof signedIn>>,
  title: string,
  startLocal: string,
  endLocal: string,
) {
  const project = await createProject();
  const s = await staff.post('/api/sessions', {
    projectId: project.id,
    title,
    kind: 'workshop',
    startLocal,
    endLocal,
    capacity: 10,
  });
  if (s.status !== 201) throw new Error(s.text);
  return { id: s.body.id as string, projectId: project.id };
}

// docs/domain.md#messages-and-their-legal-basis
describe('invitations and the contact consent', () => {
  it('when one person withdrew their contact consent and another never gave it, then neither is invited and the result, the page and their own page say "non contacté·e : pas de consentement"', async function () {
    this.timeout(60_000);
    const { staff, withdrawn, never, consenting } = await people('Inv');
    const s = await session(staff, 'Atelier des consentements', '2027-02-10T14:00', '2027-02-10T16:00');
    const r = await staff.post(`/api/sessions/${s.id}/invitations`, {
      participantIds: [withdrawn.id, never.id, consenting.id],
    });
    expect(r.status, r.text).to.equal(200);
    expect(r.body.invited.map((i: { participantId: string }) => i.participantId)).to.deep.equal([consenting.id]);
    expect(r.body.notContacted).to.deep.equal([
      {
        participantId: withdrawn.id,
        reference: withdrawn.reference,
        name: `Yasmine RetraitInv`,
        reason: 'no_consent',
        message: NOT_CONTACTED,
      },
      {
        participantId: never.id,
        reference: never.reference,
        name: `Gérard JamaisInv`,
        reason: 'no_consent',
        message: NOT_CONTACTED,
      },
    ]);
    // Nothing to send to them, no invitation row: only the trace that they were not contacted.
    const messages = await db()('outbox_messages')
      .where({ related_id: s.id, template: 'invitation' })
      .select('participant_id', 'status', 'use', 'body_text', 'recipient_email');
    const byPerson = Object.fromEntries(messages.map((m) => [m.participant_id, m]));
    expect(byPerson[consenting.id]).to.include({ status: 'pending', use: 'invitation' });
    for (const p of [withdrawn, never])
      expect(byPerson[p.id]).to.deep.equal({
        participant_id: p.id,
        status: 'withheld',
        use: 'invitation',
        body_text: null,
        recipient_email: null,
      });
    expect(await db()('session_participants').where({ session_id: s.id }).pluck('participant_id')).to.deep.equal([
      consenting.id,
    ]);
    const audit = await db()('audit_events').where({ record_id: s.id, action: 'session.invited' }).first('data');
    expect(audit.data).to.include({ invited: 1, notContacted: 2 });

    // The invitation page says it before sending, and lists them with the reason after.
    const other = await session(staff, 'Atelier du formulaire', '2027-02-17T14:00', '2027-02-17T16:00');
    const choose = await staff.get(`/sessions/${other.id}/invite?q=${encodeURIComponent('JamaisInv')}`);
    expect(choose.text).to.include('JamaisInv').and.include('pas de consentement : ne sera pas contacté·e');
    expect((await staff.get(`/sessions/${other.id}/invite?q=${encodeURIComponent('AccordInv')}`)).text)
      .to.include('AccordInv')
      .and.not.include('ne sera pas contacté·e');
    const page = await staff.postForm(`/sessions/${other.id}/invite`, {
      participantIds: [withdrawn.id, never.id, consenting.id],
    });
    expect(page.status, page.text).to.equal(200);
    expect(page.text)
      .to.include('Non contacté·es (2)')
      .and.include(`Yasmine RetraitInv</a> (${withdrawn.reference}) — ${NOT_CONTACTED}`)
      .and.include(`Gérard JamaisInv</a> (${never.reference}) — ${NOT_CONTACTED}`)
      .and.include('1 invitation(s)');

    // The person's page lists the messages not sent.
    for (const p of [withdrawn, never]) {
      const detail = await staff.get(`/participants/${p.id}`);
      expect(detail.text)
        .to.include('<h2 id="messages">Messages</h2>')
        .and.include('Invitations aux ateliers et réunions')
        .and.include(`<strong>${NOT_CONTACTED}</strong>`);
      expect(detail.text.split(NOT_CONTACTED).length - 1, 'one line per session, no more').to.be.greaterThanOrEqual(2);
    }
    const ok = await staff.get(`/participants/${consenting.id}`);
    expect(ok.text)
      .to.include('Invitation : Atelier des consentements')
      .and.not.include(`<strong>${NOT_CONTACTED}</strong>`);
  });

  it('when a session is cancelled after an invitee withdrew their contact consent, then the cancellation is not sent to them but listed', async () => {
    const staff = await signedIn('staff');
    const person = await createParticipant({ firstName: 'Odile', lastName: 'Annule', contactConsent: true });
    const s = await session(staff, 'Atelier annulé', '2027-03-03T14:00', '2027-03-03T16:00');
    expect(
      (await staff.post(`/api/sessions/${s.id}/invitations`, { participantIds: [person.id] })).body.invited,
    ).to.have.length(1);
    const consent = await db()('consents').where({ participant_id: person.id, purpose_code: 'contact' }).first('id');
    expect(
      (await staff.post(`/api/participants/${person.id}/consents/${consent.id}/withdraw`, { channel: 'paper' })).status,
    ).to.equal(200);
    expect((await staff.post(`/api/sessions/${s.id}/cancel`)).status).to.be.oneOf([200, 201]);
    const cancelled = await db()('outbox_messages')
      .where({ related_id: s.id, template: 'session-cancelled' })
      .select('status', 'use');
    expect(cancelled).to.deep.equal([{ status: 'withheld', use: 'reminder' }]);
    const audit = await db()('audit_events').where({ record_id: s.id, action: 'session.cancelled' }).first('data');
    expect(audit.data).to.include({ notified: 0, notContacted: 1 });
  });

  it('when claims of the same people are decided, then the decisions still go: by letter, to the association when that is their channel, never by e-mail without consent', async function () {
    this.timeout(90_000);
    const { staff, partner, withdrawn, never, consenting } = await people('Dec');
    const lead = await signedIn('project_lead');
    const s = await session(staff, 'Atelier remboursé', '2026-03-12T14:00', '2026-03-12T17:00');
    await db()('projects').where({ id: s.projectId }).update({ lead_user_id: lead.user.id });
    const claimIds: Record<string, string> = {};
    for (const p of [withdrawn, never, consenting]) {
      await db()('session_participants').insert({
        session_id: s.id,
        participant_id: p.id,
        status: 'attended',
        walk_in: true,
      });
      const c = await staff.post('/api/claims', { participantId: p.id, sessionIds: [s.id], lines: [MILEAGE] });
      expect(c.status, c.text).to.equal(201);
      expect((await staff.post(`/api/claims/${c.body.id}/submit`)).status).to.equal(200);
      const d = await lead.post(`/api/claims/${c.body.id}/decision`, {
        lines: [{ lineId: c.body.lines[0].id, grantedCents: c.body.lines[0].eligibleCents }],
      });
      expect(d.status, d.text).to.equal(200);
      claimIds[p.id] = c.body.id;
    }
    const decision = async (id: string) =>
      db()('outbox_messages')
        .where({ related_id: claimIds[id], template: 'claim-decision' })
        .first('id', 'status', 'channel', 'use', 'recipient_email');
    const [w, n, c] = [await decision(withdrawn.id), await decision(never.id), await decision(consenting.id)];
    expect(w).to.include({ status: 'pending', channel: 'letter', use: 'claim_decision', recipient_email: null });
    expect(n).to.include({ status: 'pending', channel: 'letter', use: 'claim_decision', recipient_email: null });
    expect(c).to.include({ status: 'pending', channel: 'email', recipient_email: consenting.email });

    const { pdf } = await letterBundle(ctx().deps, await actingAs(staff.user.id, ['staff']), { ids: [w.id, n.id] });
    const text = pdfText(pdf);
    expect(text).to.include('Yasmine RetraitDec').and.include(`aux bons soins de ${partner.name}`);
    expect(text).to.include('Gérard JamaisDec').and.include('26000 Valence');
    const page = await staff.get(`/participants/${withdrawn.id}`);
    expect(page.text)
      .to.include('Décisions sur les demandes de remboursement')
      .and.include('Courrier par la structure relais');
  });
});
