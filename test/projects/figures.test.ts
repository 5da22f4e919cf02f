import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { createProject } from '../helpers/logistics.js';
import { actingAsSystem } from '../helpers/acting.js';
import { refreshStaleProjectFigures } from '../../server/projects/index.js';

const db = () => ctx().deps.db;

/** `n` held sessions of a project, one a day from 2 February 2026, each attended by `people`. */
async function heldSessions(
  lead: Awaited<ReturnType<typeof signedIn>>,
  projectId: string,
  range: [number, number],
  people: { id: string }[],
) {
  const ids: string[] = [];
  for (let i = range[0]; i < range[1]; i++) {
    const day = new Date(Date.UTC(2026, 1, 2 + i)).toISOString().slice(0, 10);
    const s = await lead.post('/api/sessions', {
      projectId,
      title: `Atelier ${i + 1}`,
      kind: 'workshop',
      startsAt: `${day}T14:00:00+01:00`,
      endsAt: `${day}T16:00:00+01:00`,
      capacity: 20,
    });
    expect(s.status, s.text).to.equal(201);
    await db()('session_participants').insert(
      people.map((p) => ({ session_id: s.body.id, participant_id: p.id, status: 'attended', walk_in: true })),
    );
    await db()('sessions').where({ id: s.body.id }).update({ status: 'held' });
    ids.push(s.body.id);
  }
  return ids;
}

describe('project dashboard: whole-project figures computed in the background', () => {
  it('when attendance changes after the figures were computed, then the dashboard says when they were computed and keeps them until staff recompute or the job finds them older than 30 minutes; the sessions shown are the last 30 of all', async () => {
    const lead = await signedIn('project_lead', 'staff');
    const project = await createProject();
    await db()('projects').where({ id: project.id }).update({ starts_on: '2026-01-01' });
    const people = [await createParticipant(), await createParticipant()];
    await heldSessions(lead, project.id, [0, 28], people);
    const first = await lead.get(`/api/projects/${project.id}/dashboard`);
    expect(first.status, first.text).to.equal(200);
    expect(first.body.overallAttendanceRate).to.equal(100);
    expect(first.body.budget.costs.participants).to.equal(2);
    const computedAt = first.body.figuresComputedAt;

    // Three more sessions, each with one of the two absent: live parts move, stored figures do not.
    const more = await heldSessions(lead, project.id, [28, 31], people);
    await db()('session_participants')
      .whereIn('session_id', more)
      .where({ participant_id: people[1].id })
      .update({ status: 'absent' });
    const later = await lead.get(`/api/projects/${project.id}/dashboard`);
    expect(later.body.sessionCount).to.equal(31);
    expect(later.body.sessions).to.have.length(30);
    expect(later.body.sessions[0].title).to.equal('Atelier 2');
    expect(later.body.sessions.at(-1)).to.include({
      title: 'Atelier 31',
      expected: 2,
      attended: 1,
      attendanceRate: 50,
    });
    expect(later.body.attrition[0]).to.include({ title: 'Atelier 1', retained: 2, retainedPercent: 100 });
    expect(later.body.attrition.at(-1)).to.include({ retained: 1, retainedPercent: 50 });
    expect(later.body.figuresComputedAt).to.equal(computedAt);
    expect(later.body.overallAttendanceRate).to.equal(100);

    const page = await lead.get(`/projects/${project.id}/dashboard`);
    expect(page.text)
      .to.include('Recalculer maintenant')
      .and.include('les 30 dernières (sur 31)')
      .and.include(`/sessions?projectId=${project.id}`);
    const recomputed = await lead.post(`/api/projects/${project.id}/figures`, {});
    expect(recomputed.status, recomputed.text).to.equal(200);
    expect(recomputed.body.overallAttendanceRate).to.equal(95); // 59 of 62
    expect(recomputed.body.figuresComputedAt > computedAt).to.equal(true);

    // The job recomputes figures older than 30 minutes, not fresher ones.
    await db()('project_figures')
      .where({ project_id: project.id })
      .update({ computed_at: new Date(ctx().deps.now().getTime() - 31 * 60_000) });
    await db()('session_participants').whereIn('session_id', more).update({ status: 'attended' });
    const acting = await actingAsSystem();
    let refreshed = 0;
    for (let i = 0; i < 50 && refreshed === 0; i++) {
      await refreshStaleProjectFigures(ctx().deps, acting, 50);
      const row = await db()('project_figures').where({ project_id: project.id }).first('computed_at');
      refreshed = ctx().deps.now().getTime() - new Date(row.computed_at).getTime() < 60_000 ? 1 : 0;
    }
    expect(refreshed).to.equal(1);
    expect((await lead.get(`/api/projects/${project.id}/dashboard`)).body.overallAttendanceRate).to.equal(100);

    // The project page lists the last 30 sessions and links to all of them, page by page.
    const projectPage = await lead.get(`/projects/${project.id}`);
    expect(projectPage.text).to.include('Les 30 dernières sessions du projet (sur 31)').and.not.include('>Atelier 1<');
    const sessions = await lead.get(`/sessions?projectId=${project.id}`);
    expect(sessions.status).to.equal(200);
    expect(sessions.text).to.include('Sessions du projet').and.include('>Atelier 1<').and.include('>Atelier 31<');
  });
});
