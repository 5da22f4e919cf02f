import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { createProject } from '../helpers/logistics.js';

describe('participants: merge with attendance', () => {
  it('when both records were in one session, then the kept one keeps the attendance and no row is lost or doubled', async () => {
    const db = ctx().deps.db;
    const staff = await signedIn('staff');
    const kept = await createParticipant({ lastName: 'Fusion' });
    const source = await createParticipant({ lastName: 'Fusion' });
    const project = await createProject();
    const [s1, s2] = await db('sessions')
      .insert(
        [1, 2].map((i) => ({
          project_id: project.id,
          title: `Atelier ${i}`,
          kind: 'workshop',
          starts_at: new Date(Date.now() - i * 86400_000),
          ends_at: new Date(Date.now() - i * 86400_000 + 7200_000),
          capacity: 10,
        })),
      )
      .returning('id');
    await db('session_participants').insert([
      { session_id: s1.id, participant_id: kept.id, status: 'invited', invited_at: new Date() },
      { session_id: s1.id, participant_id: source.id, status: 'attended', walk_in: true },
      { session_id: s2.id, participant_id: source.id, status: 'declined', invited_at: new Date() },
    ]);
    const r = await staff.post(`/api/participants/${kept.id}/merge`, { sourceId: source.id });
    expect(r.status).to.equal(200);
    const rows = await db('session_participants')
      .whereIn('participant_id', [kept.id, source.id])
      .orderBy('session_id')
      .select('session_id', 'participant_id', 'status');
    expect(rows).to.have.length(2);
    expect(rows.every((x) => x.participant_id === kept.id)).to.equal(true);
    expect(rows.find((x) => x.session_id === s1.id)!.status).to.equal('attended');
    expect(rows.find((x) => x.session_id === s2.id)!.status).to.equal('declined');
  });
});

describe('participants: merge with claims', () => {
  it('when the merged-away record has a claim, then the claim follows the kept record', async () => {
    const db = ctx().deps.db;
    const staff = await signedIn('staff');
    const kept = await createParticipant({ lastName: 'Fusionclaim' });
    const source = await createParticipant({ lastName: 'Fusionclaim' });
    const project = await createProject();
    const [claim] = await db('claims')
      .insert({
        participant_id: source.id,
        project_id: project.id,
        departure_at: new Date(),
        return_at: new Date(Date.now() + 3600_000),
      })
      .returning('id');
    expect((await staff.post(`/api/participants/${kept.id}/merge`, { sourceId: source.id })).status).to.equal(200);
    expect((await db('claims').where({ id: claim.id }).first('participant_id')).participant_id).to.equal(kept.id);
  });
});
