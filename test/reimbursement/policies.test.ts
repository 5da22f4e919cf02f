import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { createProject } from '../helpers/logistics.js';
import { rowCounts } from '../helpers/routes.js';
import { rateSetFor } from '../../server/reimbursement/index.js';
import { Rates, defaultRates } from '../../server/reimbursement/schemas.js';
import { check } from '../../server/shared/validate.js';

// Organisation versions added here start far in the future, so that the claims tests of the
// same run (travel dates around today) keep the seeded policy.
const db = () => ctx().deps.db;
const audits = (recordId: string) =>
  db()('audit_events').where({ action: 'reimbursement_policy.created', record_id: recordId });

async function ledProject(leadUserId: string, allowance: number | null = null) {
  const p = await createProject();
  await db().raw(
    'UPDATE projects SET lead_user_id = ?, allowance_enabled = ?, allowance_half_day_cents = ? WHERE id = ?',
    [leadUserId, allowance !== null, allowance, p.id],
  );
  return p;
}

describe('reimbursement policies (versions, API, page)', () => {
  it('when the database is migrated, then the organisation’s policy of 14 March 2022 holds the default rates (docs/domain.md#reimbursement-rates) and is valid', async () => {
    const finance = await signedIn('finance');
    const r = await finance.get('/api/policies');
    expect(r.status).to.equal(200);
    const first = r.body.items.find((v: { effectiveFrom: string }) => v.effectiveFrom === '2022-03-14');
    expect(first.projectId).to.equal(null);
    expect(first.rates).to.deep.equal(defaultRates());
    expect(check(Rates, first.rates).ok).to.equal(true);
    const p = await rateSetFor(db(), { projectId: null, travelDate: '2026-05-12' });
    expect(p).to.deep.include({
      id: first.id,
      mealFlatCents: 2000,
      allowanceHalfDayCents: null,
      projectPolicyId: null,
    });
  });

  it('when finance adds an organisation version, then lines travelled the day before keep the old rates and the audit names the fields only', async () => {
    const finance = await signedIn('finance');
    const rates = {
      ...defaultRates(),
      mealFlatCents: 2150,
      nightCapCents: { standard: 9500, big_city: 12000, paris: 14000 },
    };
    const r = await finance.post('/api/policies', { effectiveFrom: '2091-03-01', rates });
    expect(r.status).to.equal(201);
    expect(r.body.warnings).to.deep.equal([]);
    expect(r.body.version).to.deep.include({
      projectId: null,
      effectiveFrom: '2091-03-01',
      createdBy: finance.user.id,
    });
    expect((await rateSetFor(db(), { projectId: null, travelDate: '2091-02-28' })).mealFlatCents).to.equal(2000);
    expect((await rateSetFor(db(), { projectId: null, travelDate: '2091-03-01' })).mealFlatCents).to.equal(2150);
    const [event] = await audits(r.body.version.id);
    expect(event.actor_user_id).to.equal(finance.user.id);
    expect(event.data.fields).to.have.members(['mealFlatCents', 'nightCapCents.standard']);
    expect(JSON.stringify(event.data)).to.not.include('2150');
  });

  it('when a second version is added on the same day, then 409 policy_version_exists and nothing is written', async () => {
    const admin = await signedIn('admin');
    expect((await admin.post('/api/policies', { effectiveFrom: '2091-05-01', rates: defaultRates() })).status).to.equal(
      201,
    );
    const before = await rowCounts(['web_sessions']);
    const again = await admin.post('/api/policies', { effectiveFrom: '2091-05-01', rates: defaultRates() });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('policy_version_exists');
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });

  for (const [label, body, field] of [
    [
      'a negative rate',
      { effectiveFrom: '2091-06-01', rates: { ...defaultRates(), mealFlatCents: -1 } },
      'rates.mealFlatCents',
    ],
    [
      'a fraction of a cent',
      { effectiveFrom: '2091-06-01', rates: { ...defaultRates(), childcareHourlyCapCents: 1800.5 } },
      'rates.childcareHourlyCapCents',
    ],
    [
      'two mileage bands instead of three',
      {
        effectiveFrom: '2091-06-01',
        rates: { ...defaultRates(), mileageCentsPerKm: { ...defaultRates().mileageCentsPerKm, cv_6_7: [41, 51] } },
      },
      'rates.mileageCentsPerKm.cv_6_7',
    ],
    ['a date that does not exist', { effectiveFrom: '2091-02-30', rates: defaultRates() }, 'effectiveFrom'],
    [
      'partial rates for the organisation',
      { effectiveFrom: '2091-06-01', rates: { mealFlatCents: 2100 } },
      'rates.motorbikeCentsPerKm',
    ],
    [
      'an unknown project',
      {
        projectId: '00000000-0000-4000-8000-00000000abcd',
        effectiveFrom: '2091-06-01',
        rates: { mealFlatCents: 2100 },
      },
      'projectId',
    ],
  ] as const) {
    it(`when a version has ${label}, then 400 names ${field} and nothing is written`, async () => {
      const finance = await signedIn('finance');
      const before = await rowCounts(['web_sessions']);
      const r = await finance.post('/api/policies', body);
      expect(r.status).to.equal(400);
      expect(r.body.error.details.map((d: { field: string }) => d.field)).to.include(field);
      expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
    });
  }

  it('when a project lead overrides some rates of their project, then the merged policy applies from that date, with the project’s allowance', async () => {
    const lead = await signedIn('project_lead');
    const project = await ledProject(lead.user.id, 4302);
    const r = await lead.post('/api/policies', {
      projectId: project.id,
      effectiveFrom: '2020-01-01',
      rates: { childcareHourlyCapCents: 2000, nightCapCents: { standard: 10000 } },
    });
    expect(r.status).to.equal(201);
    expect(r.body.warnings.map((w: { code: string }) => w.code)).to.deep.equal(['policy_retroactive']);
    const merged = await lead.get(`/api/policies/in-force?projectId=${project.id}&date=2026-05-12`);
    expect(merged.status).to.equal(200);
    expect(merged.body).to.deep.include({
      projectPolicyId: r.body.version.id,
      childcareHourlyCapCents: 2000,
      mealFlatCents: 2000,
      allowanceHalfDayCents: 4302,
      effectiveFrom: '2022-03-14',
    });
    expect(merged.body.nightCapCents).to.deep.equal({ standard: 10000, big_city: 12000, paris: 14000 });
    const list = await lead.get(`/api/policies?projectId=${project.id}`);
    expect(list.body.items.map((v: { id: string }) => v.id)).to.deep.equal([r.body.version.id]);
    const [event] = await audits(r.body.version.id);
    expect(event.data).to.deep.include({
      projectId: project.id,
      fields: ['childcareHourlyCapCents', 'nightCapCents.standard'],
    });
  });

  it('when a project lead changes another lead’s project or the organisation’s policy, then 403; finance may change any project', async () => {
    const lead = await signedIn('project_lead');
    const other = await signedIn('project_lead');
    const project = await ledProject(other.user.id);
    expect(
      (
        await lead.post('/api/policies', {
          projectId: project.id,
          effectiveFrom: '2091-07-01',
          rates: { mealFlatCents: 2500 },
        })
      ).status,
    ).to.equal(403);
    expect((await lead.post('/api/policies', { effectiveFrom: '2091-07-01', rates: defaultRates() })).status).to.equal(
      403,
    );
    const finance = await signedIn('finance');
    expect(
      (
        await finance.post('/api/policies', {
          projectId: project.id,
          effectiveFrom: '2091-07-01',
          rates: { mealFlatCents: 2500 },
        })
      ).status,
    ).to.equal(201);
    const staff = await signedIn('staff');
    expect(
      (
        await staff.post('/api/policies', {
          projectId: project.id,
          effectiveFrom: '2091-08-01',
          rates: { mealFlatCents: 2500 },
        })
      ).status,
    ).to.equal(403);
  });

  it('when a day before the first version is asked, then 409 policy_not_in_force', async () => {
    const staff = await signedIn('staff');
    const r = await staff.get('/api/policies/in-force?date=2022-03-13');
    expect(r.status).to.equal(409);
    expect(r.body.error.code).to.equal('policy_not_in_force');
  });

  it('when someone tries to update a version in the database, then it is refused: versions are never rewritten', async () => {
    const [row] = await db()('reimbursement_policies').whereNull('project_id').orderBy('effective_from').limit(1);
    let error: unknown;
    try {
      await db()('reimbursement_policies').where('id', row.id).update({ effective_from: '2022-03-15' });
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).to.equal('42501');
  });

  it('when finance opens the page, then the versions are in a table with French amounts, and the form adds a version', async () => {
    const finance = await signedIn('finance');
    const page = await finance.get('/admin/policies');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('À partir du 14/03/2022');
    expect(page.text).to.include('0,32 €/km');
    expect(page.text).to.include('<th scope="row">Repas (forfait par repas)</th>');
    const form: Record<string, string> = {};
    for (const m of page.text.matchAll(/<input id="f-[^"]+" name="([^"]+)"[^>]*value="([^"]*)"/g)) form[m[1]] = m[2];
    expect(form['rates.mileageCentsPerKm.cv_6_7.1']).to.equal('0,51');
    const bad = await finance.postForm('/admin/policies', {
      ...form,
      effectiveFrom: '2092-01-01',
      'rates.mealFlatCents': '-3',
    });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('doit être un montant en euros');
    const ok = await finance.postForm('/admin/policies', {
      ...form,
      effectiveFrom: '2092-01-01',
      'rates.mealFlatCents': '21,00',
      'rates.allowanceHalfDayCents': '',
    });
    expect(ok.status).to.equal(303);
    const p = await rateSetFor(db(), { projectId: null, travelDate: '2092-01-01' });
    expect(p).to.deep.include({ mealFlatCents: 2100, allowanceHalfDayCents: null });
  });

  it('when a project lead fills one band in the project form, then the other bands keep the organisation’s rates', async () => {
    const lead = await signedIn('project_lead');
    const project = await ledProject(lead.user.id);
    const page = await lead.get(`/admin/policies?projectId=${project.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('applique le barème de l’organisation sans modification');
    const ok = await lead.postForm('/admin/policies', {
      projectId: project.id,
      effectiveFrom: '2026-01-01',
      'rates.mileageCentsPerKm.cv_5_or_less.0': '0,35',
    });
    expect(ok.status).to.equal(303);
    const p = await rateSetFor(db(), { projectId: project.id, travelDate: '2026-05-12' });
    expect(p.mileageCentsPerKm.cv_5_or_less).to.deep.equal([35, 40, 23]);
    const empty = await lead.postForm('/admin/policies', { projectId: project.id, effectiveFrom: '2026-02-01' });
    expect(empty.status).to.equal(400);
    expect(empty.text).to.include('indiquez au moins un taux');
  });
});
