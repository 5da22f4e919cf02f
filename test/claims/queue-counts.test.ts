import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant } from '../helpers/factories.js';
import { cappedCountsByStatus, COUNT_CAP } from '../../server/claims/queue-repo.js';
import { attendedSession, MILEAGE } from './helpers.js';

describe('claims: counts per status on the queue page', () => {
  it('when claims are counted per status, then each count stops one past the cap (a page says "plus de …" instead of counting a million rows), with the filters applied', async () => {
    const s = await attendedSession();
    for (let i = 0; i < 4; i++) {
      const person = await createParticipant();
      await ctx()
        .deps.db('session_participants')
        .insert({ session_id: s.sessionId, participant_id: person.id, status: 'attended', walk_in: true });
      const c = await s.staff.post('/api/claims', {
        participantId: person.id,
        sessionIds: [s.sessionId],
        lines: [MILEAGE],
        submit: i < 3,
      });
      expect(c.status, c.text).to.equal(201);
    }
    const f = { projectId: s.project.id };
    const now = new Date();
    const exact = await cappedCountsByStatus(ctx().deps.db, f, now);
    expect(exact).to.include({ submitted: 3, draft: 1, approved: 0 });
    const capped = await cappedCountsByStatus(ctx().deps.db, f, now, 1);
    expect(capped).to.include({ submitted: 2, draft: 1, approved: 0 }); // 2 = more than 1
    expect(COUNT_CAP).to.equal(10_000);
    const page = await s.staff.get(`/claims?projectId=${s.project.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('À instruire : 3').and.include('Brouillon : 1');
  });
});
