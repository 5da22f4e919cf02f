import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { attendedSession, MILEAGE } from './helpers.js';

describe('claims: concurrent decisions', () => {
  it('when 10 decisions arrive at once on one claim @pg, then one decision, one audit event and one outbox message', async function () {
    this.timeout(30_000);
    const { staff, lead, sessionId, person } = await attendedSession({ email: null, preferredChannel: 'letter' });
    const c = await staff.post('/api/claims', {
      participantId: person.id,
      sessionIds: [sessionId],
      lines: [MILEAGE],
      submit: true,
    });
    const decision = { lines: [{ lineId: c.body.lines[0].id, grantedCents: c.body.lines[0].eligibleCents }] };
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => lead.post(`/api/claims/${c.body.id}/decision`, decision)),
    );
    expect(replies.map((r) => r.status)).to.deep.equal(Array(10).fill(200));
    const db = ctx().deps.db;
    expect(
      Number(
        (await db('audit_events').where({ record_id: c.body.id, action: 'claim.decided' }).count({ n: '*' }))[0].n,
      ),
    ).to.equal(1);
    const letters = await db('outbox_messages').where({ related_id: c.body.id, template: 'claim-decision' });
    expect(letters).to.have.length(1);
    expect(letters[0].channel).to.equal('letter');
  });
});
