import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { attendedSession, MILEAGE } from '../claims/helpers.js';

describe('right to erasure: the stored first answers of money requests', () => {
  it('when a decision sent with an Idempotency-Key repeated a line’s note about a person who is then erased, then the stored answer is replaced and the same key decides nothing twice (410 idempotent_answer_erased)', async () => {
    const { staff, lead, sessionId, person } = await attendedSession();
    const created = await staff.post('/api/claims', {
      participantId: person.id,
      sessionIds: [sessionId],
      lines: [MILEAGE],
      submit: true,
    });
    expect(created.status, created.text).to.equal(201);
    const claimId = created.body.id as string;
    // Refused, with a note typed about the person that the answer repeats (refused: nothing to
    // pay, so the person is anonymised, not archived, and the archive door stays open).
    const note = `Note-${randomUUID()}`;
    const decision = {
      lines: created.body.lines.map((l: { id: string; eligibleCents: number }) => ({
        lineId: l.id,
        grantedCents: 0,
        reasonCode: 'other',
        reasonNote: note,
      })),
    };
    const key = randomUUID();
    const decide = () =>
      lead.request('POST', `/api/claims/${claimId}/decision`, { json: decision, headers: { 'idempotency-key': key } });
    const first = await decide();
    expect(first.status, first.text).to.equal(200);
    const stored = () => ctx().deps.db('idempotency_keys').where({ key }).first('response_status', 'response_body');
    expect(JSON.stringify((await stored()).response_body)).to.include(note);

    const dpo = await signedIn('dpo');
    const erased = await dpo.post(`/api/participants/${person.id}/erase`, { reasonCode: 'erasure_request' });
    expect(erased.status, erased.text).to.equal(200);
    expect(await stored()).to.deep.equal({ response_status: 200, response_body: { erased: true } });

    const replay = await decide();
    expect(replay.status, replay.text).to.equal(410);
    expect(replay.body.error.code).to.equal('idempotent_answer_erased');
    const decided = await ctx().deps.db('audit_events').where({ action: 'claim.decided', record_id: claimId });
    expect(decided).to.have.length(1);
  });
});
