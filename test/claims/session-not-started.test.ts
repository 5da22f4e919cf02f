import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { rowCounts } from '../helpers/routes.js';
import { attendedSession, TICKET } from './helpers.js';

describe('claims: a session that has not started', () => {
  it('when a claim is entered for a session 14 days ahead (even with a stale "attended" row and an override), then 409 session_not_started and no row; an advance for it is still entered', async () => {
    const { staff, project, person } = await attendedSession();
    const start = new Date(Date.now() + 14 * 86_400_000);
    const future = await staff.post('/api/sessions', {
      projectId: project.id,
      title: 'Atelier à venir',
      kind: 'workshop',
      capacity: 10,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 3 * 3600_000).toISOString(),
    });
    expect(future.status, future.text).to.equal(201);
    // The row the old bulk PUT could write 14 days ahead: the claim must not rest on it.
    await ctx()
      .deps.db('session_participants')
      .insert({ session_id: future.body.id, participant_id: person.id, status: 'attended', walk_in: true });
    const before = await rowCounts(['web_sessions']);
    for (const body of [{ submit: true }, { override: { reason: 'Feuille d’émargement signée à l’avance' } }]) {
      const refused = await staff.post('/api/claims', {
        participantId: person.id,
        sessionIds: [future.body.id],
        lines: [TICKET(300)],
        ...body,
      });
      expect(refused.status, refused.text).to.equal(409);
      expect(refused.body.error.code).to.equal('session_not_started');
      expect(refused.body.error.message).to.include('pas encore commencé').and.include('avance');
      expect(refused.body.error.details).to.deep.equal([
        { field: 'sessionIds.0', message: 'session pas encore commencée' },
      ]);
    }
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
    const advance = await staff.post('/api/claims', {
      participantId: person.id,
      sessionIds: [future.body.id],
      isAdvance: true,
      lines: [TICKET(2500)],
    });
    expect(advance.status, advance.text).to.equal(201);
    // The stale row was this test's own: gone, so that the invariant checker sees only what the app wrote.
    await ctx()
      .deps.db('session_participants')
      .where({ session_id: future.body.id, participant_id: person.id })
      .delete();
  });
});
