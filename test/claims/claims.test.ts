import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant } from '../helpers/factories.js';
import { SAMPLE_FILES } from '../helpers/documents.js';
import { rowCounts } from '../helpers/routes.js';
import { attendedSession, MILEAGE, TICKET } from './helpers.js';

describe('claims', () => {
  it('when a claim goes draft → submitted → partially approved with reasons, then each line keeps asked, computed and granted amounts and the person is told', async () => {
    const { staff, lead, sessionId, person } = await attendedSession();
    const created = await staff.post('/api/claims', {
      participantId: person.id,
      sessionIds: [sessionId],
      lines: [MILEAGE, TICKET(450)],
    });
    expect(created.status, created.text).to.equal(201);
    expect(created.body.status).to.equal('draft');
    expect(created.body.lines[0].eligibleCents).to.equal(1344);
    expect(created.body.lines[0].explanation).to.include('42 km');
    expect(created.body.lines[0].travelDate).to.equal('2026-03-12');
    const id = created.body.id;
    const receipt = await staff.upload(
      'POST',
      `/api/claims/${id}/receipts`,
      { amountCents: '450', lineId: created.body.lines[1].id },
      {
        field: 'file',
        name: 'ticket.pdf',
        bytes: Buffer.concat([SAMPLE_FILES.pdf, Buffer.from(`% ${id}`)]),
        type: 'application/pdf',
      },
    );
    expect(receipt.status, receipt.text).to.equal(201);
    const submitted = await staff.post(`/api/claims/${id}/submit`);
    expect(submitted.status, submitted.text).to.equal(200);
    expect(submitted.body.status).to.equal('submitted');
    expect((await staff.post(`/api/claims/${id}/submit`)).status).to.equal(200);
    const received = await ctx().deps.db('outbox_messages').where({ related_id: id, template: 'claim-received' });
    expect(received).to.have.length(1);
    const [mileage, ticket] = submitted.body.lines;
    const over = await lead.post(`/api/claims/${id}/decision`, {
      lines: [
        { lineId: mileage.id, grantedCents: 1345 },
        { lineId: ticket.id, grantedCents: 450 },
      ],
    });
    expect(over.status).to.equal(400);
    expect(over.body.error.details[0].field).to.equal('lines.0.grantedCents');
    const noReason = await lead.post(`/api/claims/${id}/decision`, {
      lines: [
        { lineId: mileage.id, grantedCents: 1000 },
        { lineId: ticket.id, grantedCents: 450 },
      ],
    });
    expect(noReason.body.error.details[0].field).to.equal('lines.0.reasonCode');
    const decision = {
      lines: [
        {
          lineId: mileage.id,
          grantedCents: 1000,
          reasonCode: 'other',
          reasonNote: 'Trajet plus court par la route départementale',
        },
        { lineId: ticket.id, grantedCents: 450 },
      ],
    };
    const decided = await lead.post(`/api/claims/${id}/decision`, decision);
    expect(decided.status, decided.text).to.equal(200);
    expect(decided.body.status).to.equal('partially_approved');
    expect(decided.body.amountGrantedCents).to.equal(1450);
    expect(decided.body.lines[0].priorMileageDeciKm).to.equal(0);
    expect((await lead.post(`/api/claims/${id}/decision`, decision)).status).to.equal(200);
    const other = await lead.post(`/api/claims/${id}/decision`, {
      lines: [
        { lineId: mileage.id, grantedCents: 0, reasonCode: 'not_eligible' },
        { lineId: ticket.id, grantedCents: 450 },
      ],
    });
    expect(other.status).to.equal(409);
    expect(other.body.error.code).to.equal('claim_already_decided');
    const letter = await ctx().deps.db('outbox_messages').where({ related_id: id, template: 'claim-decision' });
    expect(letter).to.have.length(1);
    expect(letter[0].body_text)
      .to.include('Trajet plus court')
      .and.include('recours gracieux')
      .and.include('tribunal administratif');
  });

  it('when a claim is for a session not attended, then 409 attendance_requires_override, and with a reason it is entered and flagged', async () => {
    const { staff, sessionId } = await attendedSession();
    const stranger = await createParticipant();
    const before = await rowCounts(['web_sessions']);
    const refused = await staff.post('/api/claims', {
      participantId: stranger.id,
      sessionIds: [sessionId],
      lines: [TICKET(300)],
    });
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('attendance_requires_override');
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
    const forced = await staff.post('/api/claims', {
      participantId: stranger.id,
      sessionIds: [sessionId],
      lines: [TICKET(300)],
      override: { reason: 'Feuille d’émargement égarée' },
    });
    expect(forced.status, forced.text).to.equal(201);
    expect(forced.body.flags).to.include('attendance_override');
  });

  it('when the person who entered a claim tries to decide it, then 409 separation_of_duties', async () => {
    const { lead, sessionId, person } = await attendedSession();
    const c = await lead.post('/api/claims', {
      participantId: person.id,
      sessionIds: [sessionId],
      lines: [MILEAGE],
      submit: true,
    });
    expect(c.status, c.text).to.equal(201);
    const r = await lead.post(`/api/claims/${c.body.id}/decision`, {
      lines: [{ lineId: c.body.lines[0].id, grantedCents: 1344 }],
    });
    expect(r.status).to.equal(409);
    expect(r.body.error.code).to.equal('separation_of_duties');
  });

  it('when one receipt backs lines of two claims, then the second line is flagged with a link and the total granted never exceeds the receipt', async () => {
    const { staff, lead, sessionId, person } = await attendedSession();
    const invoice = Buffer.concat([SAMPLE_FILES.pdf, Buffer.from(`% facture garde ${person.id}`)]);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await staff.post('/api/claims', {
        participantId: person.id,
        sessionIds: [sessionId],
        lines: [{ kind: 'childcare', amountCents: 3000, childcareQuarterHours: 8 }],
      });
      expect(c.status, c.text).to.equal(201);
      const up = await staff.upload(
        'POST',
        `/api/claims/${c.body.id}/receipts`,
        { amountCents: '4000', lineId: c.body.lines[0].id },
        { field: 'file', name: 'facture.pdf', bytes: invoice },
      );
      expect(up.status, up.text).to.equal(201);
      await staff.post(`/api/claims/${c.body.id}/submit`);
      ids.push(c.body.id);
    }
    const second = await staff.get(`/api/claims/${ids[1]}`);
    expect(second.body.flags).to.include('reused_receipt');
    expect(second.body.lines[0].reusedWith.map((u: { claimId: string }) => u.claimId)).to.include(ids[0]);
    const first = await staff.get(`/api/claims/${ids[0]}`);
    const ok = await lead.post(`/api/claims/${ids[0]}/decision`, {
      lines: [{ lineId: first.body.lines[0].id, grantedCents: 3000, receiptReuseAcknowledged: true }],
    });
    expect(ok.status, ok.text).to.equal(200);
    const unack = await lead.post(`/api/claims/${ids[1]}/decision`, {
      lines: [{ lineId: second.body.lines[0].id, grantedCents: 1000, reasonCode: 'duplicate' }],
    });
    expect(unack.status).to.equal(409);
    expect(unack.body.error.code).to.equal('receipt_reuse_unacknowledged');
    const capped = await lead.post(`/api/claims/${ids[1]}/decision`, {
      lines: [
        {
          lineId: second.body.lines[0].id,
          grantedCents: 1500,
          reasonCode: 'duplicate',
          receiptReuseAcknowledged: true,
        },
      ],
    });
    expect(capped.status).to.equal(400);
    expect(capped.body.error.details[0].field).to.equal('lines.0.grantedCents');
    const rest = await lead.post(`/api/claims/${ids[1]}/decision`, {
      lines: [
        {
          lineId: second.body.lines[0].id,
          grantedCents: 1000,
          reasonCode: 'duplicate',
          receiptReuseAcknowledged: true,
        },
      ],
    });
    expect(rest.status, rest.text).to.equal(200);
    expect(rest.body.lines[0].receiptReuseAcknowledged).to.equal(true);
  });

  it('when an advance is approved and the person is absent, then the settlement records everything to recover', async () => {
    const { staff, lead, project, person } = await attendedSession();
    const future = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Comité',
      kind: 'committee',
      capacity: 10,
      startsAt: '2030-05-02T09:00:00+02:00',
      endsAt: '2030-05-02T12:00:00+02:00',
    });
    await ctx()
      .deps.db('session_participants')
      .insert({ session_id: future.body.id, participant_id: person.id, status: 'confirmed', invited_at: new Date() });
    const advance = await staff.post('/api/claims', {
      participantId: person.id,
      sessionIds: [future.body.id],
      isAdvance: true,
      lines: [TICKET(2500)],
      submit: true,
    });
    expect(advance.status, advance.text).to.equal(201);
    expect(advance.body.flags).to.include('advance_to_settle');
    const decided = await lead.post(`/api/claims/${advance.body.id}/decision`, {
      lines: [{ lineId: advance.body.lines[0].id, grantedCents: 2500 }],
      override: { reason: 'Avance sur estimation, ticket à venir' },
    });
    expect(decided.status, decided.text).to.equal(200);
    expect(decided.body.status).to.equal('approved');
    const open = await staff.get('/api/claims?advancesToSettle=true&limit=200');
    expect(open.body.items.map((c: { id: string }) => c.id)).to.include(advance.body.id);
    const early = await staff.post(`/api/claims/${advance.body.id}/settle`, { lines: [] });
    expect(early.body.error.code).to.equal('session_not_over');
    // The session took place (moved into the past rather than moving the clock, which would expire the sign-in).
    await ctx()
      .deps.db('sessions')
      .where({ id: future.body.id })
      .update({ starts_at: new Date('2026-03-20T08:00:00Z'), ends_at: new Date('2026-03-20T11:00:00Z') });
    {
      const settled = await staff.post(`/api/claims/${advance.body.id}/settle`, { lines: [] });
      expect(settled.status, settled.text).to.equal(201);
      expect(settled.body.advanceOfClaimId).to.equal(advance.body.id);
      expect(settled.body.toRecoverCents).to.equal(2500);
      expect(settled.body.flags).to.include('absent');
      const final = await lead.post(`/api/claims/${settled.body.id}/decision`, { lines: [] });
      expect(final.status, final.text).to.equal(200);
      expect(final.body.status).to.equal('rejected');
      expect(final.body.toRecoverCents).to.equal(2500);
      const after = await staff.get('/api/claims?advancesToSettle=true&limit=200');
      expect(after.body.items.map((c: { id: string }) => c.id)).to.not.include(advance.body.id);
    }
  });
});
