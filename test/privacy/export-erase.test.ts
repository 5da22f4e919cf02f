import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn, createParticipant } from '../helpers/factories.js';
import { pdfText } from '../helpers/documents.js';
import { recordAudit } from '../../server/audit/index.js';
import { createFullPerson, findInPersonalColumns, participantRow } from './helpers.js';
import { auditIds } from '../helpers/acting.js';

describe('right of access: export', () => {
  it('when the DPO exports a person, then the JSON holds everything (IBAN masked) and the export is audited', async () => {
    const person = await createFullPerson();
    const dpo = await signedIn('dpo');
    const finance = await signedIn('finance');
    await recordAudit(ctx().deps.db, auditIds({ userId: finance.user.id }), {
      action: 'participant.archived_read',
      recordType: 'participant',
      recordId: person.id,
    });
    const r = await dpo.get(`/api/participants/${person.id}/export`);
    expect(r.status).to.equal(200);
    expect(r.headers.get('content-disposition')).to.include(`donnees-${person.reference}.json`);
    const body = JSON.parse(r.text);
    expect(body.participant).to.include({
      reference: person.reference,
      firstName: person.first_name,
      lastName: person.last_name,
      email: person.email,
      phone: person.phone,
    });
    expect(body.participant.needs).to.deep.equal(['step_free_access', 'childcare']);
    expect(body.participant.guardian.name).to.equal(person.guardian);
    expect(body.consents.map((c: { purposeCode: string }) => c.purposeCode)).to.have.members(['contact', 'needs']);
    expect(body.consents.find((c: { purposeCode: string }) => c.purposeCode === 'contact').evidence).to.equal('held');
    expect(body.payees[0].ibanMasked).to.match(/^FR\d\d •••• •••• ••\d\d \d\d$/);
    expect(r.text).to.not.include(person.iban);
    expect(body.privacyRequests).to.have.length(1);
    expect(body.archivedDataReads).to.deep.equal([
      { at: body.archivedDataReads[0].at, by: finance.user.name, roles: ['finance'] },
    ]);
    const event = await ctx()
      .deps.db('audit_events')
      .where({ action: 'participant.exported', record_id: person.id })
      .first();
    expect(event.data).to.deep.equal({ format: 'json' });
    expect(event.actor_user_id).to.equal(dpo.user.id);
  });

  it('when the export is asked as a PDF, then its text holds the name, the consents and who read the archive', async () => {
    const person = await createFullPerson();
    const dpo = await signedIn('dpo');
    const finance = await signedIn('finance');
    await recordAudit(ctx().deps.db, auditIds({ userId: finance.user.id }), {
      action: 'participant.archived_read',
      recordType: 'participant',
      recordId: person.id,
    });
    const r = await fetch(`${ctx().baseUrl}/api/participants/${person.id}/export?format=pdf`, {
      headers: { cookie: [...dpo.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(r.status).to.equal(200);
    expect(r.headers.get('content-type')).to.equal('application/pdf');
    const text = pdfText(Buffer.from(await r.arrayBuffer())).replace(/\s+/g, ' ');
    expect(text).to.include(person.first_name).and.include(person.last_name).and.include(person.reference);
    expect(text).to.include('Vous contacter pour participer').and.include('Tenir compte de vos besoins');
    expect(text).to.include('accès sans marche');
    expect(text).to.include('Qui a consulté vos données archivées').and.include(finance.user.name);
    expect(text).to.not.include(person.iban);
    expect(
      await ctx()
        .deps.db('audit_events')
        .where({ action: 'participant.exported', record_id: person.id })
        .select('data'),
    ).to.deep.equal([{ data: { format: 'pdf' } }]);
  });

  it('when someone other than the DPO asks for an export, then it is refused', async () => {
    const person = await createParticipant();
    for (const role of ['staff', 'admin', 'finance', 'auditor', 'project_lead'] as const) {
      const client = await signedIn(role);
      expect((await client.get(`/api/participants/${person.id}/export`)).status, role).to.equal(403);
      expect(
        (await client.post(`/api/participants/${person.id}/erase`, { reasonCode: 'erasure_request' })).status,
        role,
      ).to.equal(403);
    }
    const dpo = await signedIn('dpo');
    expect((await dpo.get('/api/participants/00000000-0000-4000-8000-000000000000/export')).status).to.equal(404);
  });
});

describe('right to erasure', () => {
  it('when the DPO erases a person without accounting records, then they are anonymised at once, the request is closed with the reason, and nothing of theirs remains', async () => {
    const person = await createFullPerson();
    const dpo = await signedIn('dpo');
    const request = await dpo.post('/api/privacy/requests', {
      participantId: person.id,
      kind: 'erasure',
      receivedOn: new Date().toISOString().slice(0, 10),
      channel: 'email',
      note: `Demande de ${person.first_name}`,
    });
    const r = await dpo.post(`/api/participants/${person.id}/erase`, {
      requestId: request.body.id,
      reasonCode: 'erasure_request',
    });
    expect(r.status, r.text).to.equal(200);
    expect(r.body).to.include({
      participantId: person.id,
      reference: person.reference,
      status: 'anonymised',
      outcome: 'anonymised',
    });
    expect(r.body.erased.participants.identity).to.equal(1);
    expect(r.body.request).to.include({ status: 'completed', outcomeCode: 'anonymised', requesterNote: null });
    expect(r.body.request.outcomeNote).to.equal('Motif : Demande d’effacement de la personne.');
    expect(await findInPersonalColumns(person.needles)).to.deep.equal([]);
    const event = await ctx()
      .deps.db('audit_events')
      .where({ action: 'participant.erased', record_id: person.id })
      .first();
    expect(event.reason_code).to.equal('erasure_request');
    expect(JSON.stringify(event)).to.not.include(person.last_name);
    // Repeating the erasure answers the same state and changes nothing.
    const again = await dpo.post(`/api/participants/${person.id}/erase`, {
      requestId: request.body.id,
      reasonCode: 'erasure_request',
    });
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ status: 'anonymised', outcome: 'anonymised' });
    expect(again.body.erased).to.deep.equal({});
    expect(
      await ctx()
        .deps.db('audit_events')
        .where({ action: 'participant.erased', record_id: person.id })
        .count({ n: '*' }),
    ).to.deep.equal([{ n: 1 }]);
    expect((await participantRow(person.id)).reference).to.equal(person.reference);
  });

  it('when the request named belongs to someone else or is not an erasure, then 400 names it and nothing is erased', async () => {
    const person = await createParticipant();
    const other = await createParticipant();
    const dpo = await signedIn('dpo');
    const today = new Date().toISOString().slice(0, 10);
    const foreign = await dpo.post('/api/privacy/requests', {
      participantId: other.id,
      kind: 'erasure',
      receivedOn: today,
      channel: 'mail',
    });
    const access = await dpo.post('/api/privacy/requests', {
      participantId: person.id,
      kind: 'access',
      receivedOn: today,
      channel: 'mail',
    });
    for (const requestId of [foreign.body.id, access.body.id]) {
      const r = await dpo.post(`/api/participants/${person.id}/erase`, { requestId, reasonCode: 'erasure_request' });
      expect(r.status).to.equal(400);
      expect(r.body.error.details[0].field).to.equal('requestId');
    }
    expect((await participantRow(person.id)).status).to.equal('active');
    expect((await dpo.post(`/api/participants/${person.id}/erase`, { reasonCode: 'because' })).status).to.equal(400);
  });
});
