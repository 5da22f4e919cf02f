import { expect } from 'chai';
import { signedIn } from '../helpers/factories.js';
import { createProject } from '../helpers/logistics.js';
import { rowCounts } from '../helpers/routes.js';
import { db, fundedGrant } from './helpers.js';

describe('grants: grants and budget lines', () => {
  it('when finance creates a grant, then it is listed, searchable by funder and reference, and readable by a project lead', async () => {
    const finance = await signedIn('finance');
    const project = await createProject();
    const g = await fundedGrant(
      finance,
      project.id,
      { transport: 100_000 },
      { funder: 'CAF de la Drôme — test recherche' },
    );
    expect(g.reference).to.match(/^F-/);
    const lead = await signedIn('project_lead');
    const list = await lead.get('/api/grants?q=recherche&sort=funder');
    expect(list.status, list.text).to.equal(200);
    expect(list.body.items.map((x: { id: string }) => x.id)).to.include(g.id);
    const byRef = await lead.get(`/api/grants?q=${encodeURIComponent(g.reference)}`);
    expect(byRef.body.items.map((x: { id: string }) => x.id)).to.deep.equal([g.id]);
    const one = await lead.get(`/api/grants/${g.id}`);
    expect(one.body.projects).to.deep.equal([{ projectId: project.id, name: project.name, shareBp: 10000 }]);
    expect(one.body.budgetLines[0]).to.include({
      category: 'transport',
      year: 2026,
      amountCents: 100_000,
      committedCents: 0,
      actualCents: 0,
      remainingCents: 100_000,
    });
    await fundedGrant(finance, null);
    const page1 = await lead.get('/api/grants?limit=1');
    expect(page1.body.items).to.have.length(1);
    expect(page1.body.nextCursor).to.be.a('string');
    expect((await lead.post('/api/grants', {})).status).to.equal(403);
  });

  it('when a grant is changed with a stale version, then 409 version_conflict; with the current one, then it changes', async () => {
    const finance = await signedIn('finance');
    const g = await fundedGrant(finance, null);
    const ok = await finance.patch(`/api/grants/${g.id}`, { version: g.version, axis: 'Axe 2 — participation' });
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.body.axis).to.equal('Axe 2 — participation');
    const stale = await finance.patch(`/api/grants/${g.id}`, { version: g.version, axis: 'autre' });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.code).to.equal('version_conflict');
  });

  it('when inputs are wrong, then 400 names the field and nothing is written', async () => {
    const finance = await signedIn('finance');
    const project = await createProject();
    const g = await fundedGrant(finance, null, {}, { eligible: ['transport', 'venue'] });
    const before = await rowCounts(['web_sessions']);
    const base = {
      funder: 'ARS',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      totalCents: 1000,
      cofundingRateBp: 5000,
      eligibleCategories: ['transport'],
    };
    const rate = await finance.post('/api/grants', { ...base, cofundingRateBp: 10001 });
    expect(rate.status).to.equal(400);
    expect(rate.body.error.details.map((d: { field: string }) => d.field)).to.include('cofundingRateBp');
    const ceiling = await finance.post('/api/grants', { ...base, ceilings: [{ year: 2027, ceilingCents: 5 }] });
    expect(ceiling.status).to.equal(400);
    expect(ceiling.body.error.details[0].field).to.equal('ceilings.0.year');
    const period = await finance.post('/api/grants', { ...base, periodEnd: '2025-12-31' });
    expect(period.body.error.details[0].field).to.equal('periodEnd');
    const year = await finance.post(`/api/grants/${g.id}/budget-lines`, {
      category: 'transport',
      year: 2030,
      amountCents: 100,
    });
    expect(year.status).to.equal(400);
    expect(year.body.error.details[0].field).to.equal('year');
    const category = await finance.post(`/api/grants/${g.id}/budget-lines`, {
      category: 'catering',
      year: 2026,
      amountCents: 100,
    });
    expect(category.status).to.equal(400);
    expect(category.body.error.details[0].field).to.equal('category');
    const unknownProject = await finance.post('/api/grants', {
      ...base,
      projects: [{ projectId: '00000000-0000-4000-8000-000000000000', shareBp: 100 }],
    });
    expect(unknownProject.body.error.details[0].field).to.equal('projects.0.projectId');
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
    // Shares of one project across grants: at most 100 %.
    const a = await finance.post('/api/grants', { ...base, projects: [{ projectId: project.id, shareBp: 6000 }] });
    expect(a.status, a.text).to.equal(201);
    const b = await finance.post('/api/grants', { ...base, projects: [{ projectId: project.id, shareBp: 5000 }] });
    expect(b.status).to.equal(400);
    expect(b.body.error.details[0].field).to.equal('projects.0.shareBp');
    const c = await finance.post('/api/grants', { ...base, projects: [{ projectId: project.id, shareBp: 4000 }] });
    expect(c.status).to.equal(201);
  });

  it('when a budget line is added twice, changed or deleted, then duplicates are 409 and a line in use cannot be deleted', async () => {
    const finance = await signedIn('finance');
    const g = await fundedGrant(finance, null, { catering: 5000 });
    const dup = await finance.post(`/api/grants/${g.id}/budget-lines`, {
      category: 'catering',
      year: 2026,
      amountCents: 1,
    });
    expect(dup.status).to.equal(409);
    expect(dup.body.error.code).to.equal('budget_line_exists');
    const line = g.budgetLines[0];
    const changed = await finance.patch(`/api/grants/${g.id}/budget-lines/${line.id}`, { amountCents: 7000 });
    expect(changed.body.budgetLines[0].amountCents).to.equal(7000);
    const project = await createProject();
    const funded = await fundedGrant(finance, project.id, { catering: 5000 });
    const [e] = await db()('expenses')
      .insert({
        project_id: project.id,
        category: 'catering',
        source: 'invoice',
        amount_cents: 1000,
        incurred_on: '2026-05-01',
      })
      .returning('id');
    await db()('expense_parts').insert({
      expense_id: e.id,
      grant_id: funded.id,
      budget_line_id: funded.budgetLines[0].id,
      amount_cents: 1000,
    });
    const inUse = await finance.request('DELETE', `/api/grants/${funded.id}/budget-lines/${funded.budgetLines[0].id}`, {
      json: {},
    });
    expect(inUse.status).to.equal(409);
    expect(inUse.body.error.code).to.equal('budget_line_in_use');
    const del = await finance.request('DELETE', `/api/grants/${g.id}/budget-lines/${line.id}`, { json: {} });
    expect(del.status, del.text).to.equal(200);
    expect(del.body.budgetLines).to.deep.equal([]);
  });
});
