import { expect } from 'chai';
import { signedIn, createUser } from '../helpers/factories.js';
import { rowCounts } from '../helpers/routes.js';

describe('projects', () => {
  it('when a project lead creates a project with a budget and targets, then it reads back with the planned total', async () => {
    const lead = await signedIn('project_lead');
    const r = await lead.post('/api/projects', {
      name: 'Refonte du guide des aides',
      participationLevel: 'co_construction',
      leadUserId: lead.user.id,
      startsOn: '2026-01-01',
      endsOn: '2026-12-31',
      budget: { transport: 120000, childcare: 50000, venue: 30000 },
      targets: [
        { dimension: 'household', value: 'single_parent', percent: 30 },
        { dimension: 'activity', value: 'in_work', percent: 40 },
      ],
      solicitationLimit: 3,
    });
    expect(r.status, r.text).to.equal(201);
    expect(r.body).to.include({
      name: 'Refonte du guide des aides',
      participationLevel: 'co_construction',
      plannedTotalCents: 200000,
      solicitationLimit: 3,
      leadName: lead.user.name,
    });
    expect(r.body.budget).to.deep.equal({ transport: 120000, childcare: 50000, venue: 30000 });
    const got = await lead.get(`/api/projects/${r.body.id}`);
    expect(got.body.targets).to.have.length(2);
    const patched = await lead.patch(`/api/projects/${r.body.id}`, { budget: { venue: 10000 }, status: 'closed' });
    expect(patched.body).to.include({ plannedTotalCents: 10000, status: 'closed' });
    const list = await lead.get('/api/projects?status=closed');
    expect(list.body.items.map((p: { id: string }) => p.id)).to.include(r.body.id);
  });

  it('when the input is wrong, then 400 names each field and nothing is written', async () => {
    const lead = await signedIn('project_lead');
    const inactive = await createUser({ roles: ['project_lead'], active: false });
    const before = await rowCounts(['web_sessions']);
    const r = await lead.post('/api/projects', {
      name: 'X',
      participationLevel: 'co_construction',
      startsOn: '2026-05-01',
      endsOn: '2026-04-01',
      allowanceEnabled: true,
      targets: [{ dimension: 'household', value: 'martian', percent: 10 }],
    });
    expect(r.status).to.equal(400);
    const fields = r.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).to.include.members(['endsOn', 'allowanceHalfDayCents', 'targets.0.value']);
    const over = await lead.post('/api/projects', {
      name: 'X',
      participationLevel: 'information',
      startsOn: '2026-05-01',
      budget: { venue: -1 },
    });
    expect(over.body.error.details[0].field).to.equal('budget.venue');
    const lead400 = await lead.post('/api/projects', {
      name: 'X',
      participationLevel: 'information',
      startsOn: '2026-05-01',
      leadUserId: inactive.id,
    });
    expect(lead400.body.error.details[0].field).to.equal('leadUserId');
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });

  it('when staff try to create a project, then 403; they may read projects', async () => {
    const staff = await signedIn('staff');
    expect(
      (await staff.post('/api/projects', { name: 'X', participationLevel: 'information', startsOn: '2026-05-01' }))
        .status,
    ).to.equal(403);
    expect((await staff.get('/api/projects')).status).to.equal(200);
  });
});
