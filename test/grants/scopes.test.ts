import { expect } from 'chai';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { createProject } from '../helpers/logistics.js';
import { SAMPLE_FILES } from '../helpers/documents.js';
import { db, followLink, fundedGrant, lineOf } from './helpers.js';
import { attendedSession, MILEAGE } from '../claims/helpers.js';

describe('grants: auditor scopes and concurrency', () => {
  it('when an auditor is limited to one grant and a date range, then other grants are 404, expenses outside the range are hidden, and nothing is visible after expiry', async () => {
    const finance = await signedIn('finance');
    const auditor = await signedIn('auditor');
    const project = await createProject();
    const g1 = await fundedGrant(finance, project.id, { catering: 100_000 });
    const g2 = await fundedGrant(finance, null, {}, { funder: 'ARS Auvergne-Rhône-Alpes' });
    const enter = (incurredOn: string) =>
      finance.upload(
        'POST',
        '/api/expenses',
        { projectId: project.id, category: 'catering', amountCents: '2000', incurredOn },
        { field: 'file', name: 'f.pdf', bytes: SAMPLE_FILES.pdf, type: 'application/pdf' },
      );
    const march = (await enter('2026-03-01')).body.id;
    const august = (await enter('2026-08-01')).body.id;
    // Without scope rows, an auditor reads everything.
    expect((await auditor.get(`/api/grants/${g2.id}`)).status).to.equal(200);
    const staffUser = await signedIn('staff');
    const refused = await finance.post(`/api/grants/${g1.id}/auditor-scopes`, {
      userId: staffUser.user.id,
      fromDate: '2026-01-01',
      toDate: '2026-06-30',
      expiresAt: '2099-01-01T00:00:00Z',
    });
    expect(refused.status).to.equal(400);
    expect(refused.body.error.details[0].field).to.equal('userId');
    const scope = await finance.post(`/api/grants/${g1.id}/auditor-scopes`, {
      userId: auditor.user.id,
      fromDate: '2026-01-01',
      toDate: '2026-06-30',
      expiresAt: '2099-01-01T00:00:00Z',
    });
    expect(scope.status, scope.text).to.equal(200);
    expect((await auditor.get('/api/grants?limit=200')).body.items.map((g: { id: string }) => g.id)).to.deep.equal([
      g1.id,
    ]);
    expect((await auditor.get(`/api/grants/${g1.id}`)).status).to.equal(200);
    expect((await auditor.get(`/api/grants/${g2.id}`)).status).to.equal(404);
    const list = await auditor.get(`/api/expenses?projectId=${project.id}`);
    expect(list.body.items.map((e: { id: string }) => e.id)).to.deep.equal([march]);
    expect((await auditor.get(`/api/expenses/${august}`)).status).to.equal(404);
    expect((await auditor.get(`/api/expenses/${march}`)).status).to.equal(200);
    expect((await auditor.get(`/api/expenses/${august}/invoice`)).status).to.equal(404);
    expect((await auditor.post('/api/grants', {})).status).to.equal(403);
    // Expired: nothing at all.
    await finance.post(`/api/grants/${g1.id}/auditor-scopes`, {
      userId: auditor.user.id,
      fromDate: '2026-01-01',
      toDate: '2026-06-30',
      expiresAt: '2020-01-01T00:00:00Z',
    });
    expect((await auditor.get(`/api/grants/${g1.id}`)).status).to.equal(404);
    expect((await auditor.get('/api/grants')).body.items).to.deep.equal([]);
    expect((await auditor.get('/api/expenses')).body.items).to.deep.equal([]);
    expect((await finance.get(`/api/grants/${g1.id}/auditor-scopes`)).body.items).to.have.length(1);
    const removed = await finance.request('DELETE', `/api/grants/${g1.id}/auditor-scopes/${auditor.user.id}`, {
      json: {},
    });
    expect(removed.status).to.equal(204);
    expect((await auditor.get(`/api/grants/${g2.id}`)).status).to.equal(200);
  });

  it('when an auditor is limited to a grant, then only grants, expenses, funder documents and the dashboards of funded projects open; participants, claims, payments and sessions are 403 and out of the menu', async () => {
    const finance = await signedIn('finance');
    const auditor = await signedIn('auditor');
    const auditorAndStaff = await signedIn('auditor', 'staff');
    const funded = await createProject();
    const other = await createProject();
    const grant = await fundedGrant(finance, funded.id, { catering: 100_000 });
    const person = await createParticipant();
    // Before any scope: an auditor reads participants and every project's dashboard.
    expect((await auditor.get(`/api/participants/${person.id}`)).status).to.equal(200);
    expect((await auditor.get(`/api/projects/${other.id}/dashboard`)).status).to.equal(200);
    for (const who of [auditor, auditorAndStaff]) {
      expect(
        (
          await finance.post(`/api/grants/${grant.id}/auditor-scopes`, {
            userId: who.user.id,
            fromDate: '2026-01-01',
            toDate: '2026-12-31',
            expiresAt: '2099-01-01T00:00:00Z',
          })
        ).status,
      ).to.equal(200);
    }
    for (const path of [
      '/api/participants',
      `/api/participants/${person.id}`,
      '/api/claims',
      '/api/payment-batches',
      '/api/sessions',
      '/api/venues',
      '/api/audit',
      `/api/projects/${funded.id}`,
    ]) {
      const r = await auditor.get(path);
      expect(r.status, path).to.equal(403);
      expect(r.body.error.message, path).to.include('limité aux financements');
    }
    const page = await auditor.get('/participants');
    expect(page.status).to.equal(403);
    expect(page.text).to.include('limité aux financements');
    // What the scope applies to still opens; a project none of their grants funds is 404.
    expect((await auditor.get(`/api/grants/${grant.id}`)).status).to.equal(200);
    expect((await auditor.get(`/api/grants/${grant.id}/dashboard`)).status).to.equal(200);
    expect((await auditor.get(`/api/projects/${funded.id}/dashboard`)).status).to.equal(200);
    expect((await auditor.get(`/projects/${funded.id}/dashboard`)).status).to.equal(200);
    expect((await auditor.get(`/api/projects/${other.id}/dashboard`)).status).to.equal(404);
    expect((await auditor.get(`/projects/${other.id}/dashboard`)).status).to.equal(404);
    // Pages link them where they may go: the grant page to the project's dashboard, not to the project.
    const grantPage = await auditor.get(`/grants/${grant.id}`);
    expect(grantPage.text)
      .to.include(`href="/projects/${funded.id}/dashboard"`)
      .and.not.include(`href="/projects/${funded.id}"`);
    const home = await auditor.get('/');
    expect(home.status).to.equal(200);
    const menu = home.text.slice(home.text.indexOf('<nav'), home.text.indexOf('</nav>'));
    expect(menu).to.include('href="/grants"').and.include('href="/expenses"');
    for (const href of ['/participants', '/claims', '/payments', '/sessions', '/admin'])
      expect(menu, href).to.not.include(`href="${href}"`);
    // Another role opens what it opens anyway.
    expect((await auditorAndStaff.get(`/api/participants/${person.id}`)).status).to.equal(200);
    expect((await auditorAndStaff.get('/participants')).status).to.equal(200);
  });

  // One setting, several rules: an expense split across two grants, an auditor scoped to one grant and a date range.
  describe('an expense split across two grants, an auditor scoped to one of them for the first half of 2026', () => {
    let finance: Awaited<ReturnType<typeof signedIn>>;
    let auditor: Awaited<ReturnType<typeof signedIn>>;
    let project: Awaited<ReturnType<typeof createProject>>;
    let gA: Awaited<ReturnType<typeof fundedGrant>>;
    let gB: Awaited<ReturnType<typeof fundedGrant>>;
    let paidInRange: string;
    let incurredInRange: string;
    let outside: string;
    before(async () => {
      finance = await signedIn('finance');
      auditor = await signedIn('auditor');
      project = await createProject();
      gA = await fundedGrant(finance, project.id, { catering: 100_000 }, { shareBp: 6000 });
      gB = await fundedGrant(
        finance,
        project.id,
        { catering: 100_000 },
        { shareBp: 4000, funder: 'ARS Auvergne-Rhône-Alpes' },
      );
      for (const g of [gA, gB])
        expect(
          (
            await finance.post(`/api/grants/${g.id}/budget-lines`, {
              category: 'catering',
              year: 2025,
              amountCents: 100_000,
            })
          ).status,
        ).to.equal(201);
      const enter = async (amountCents: string, incurredOn: string, paidOn?: string) =>
        (
          await finance.upload(
            'POST',
            '/api/expenses',
            { projectId: project.id, category: 'catering', amountCents, incurredOn, ...(paidOn ? { paidOn } : {}) },
            { field: 'file', name: 'f.pdf', bytes: SAMPLE_FILES.pdf, type: 'application/pdf' },
          )
        ).body.id as string;
      paidInRange = await enter('1000', '2025-12-20', '2026-01-10');
      incurredInRange = await enter('2000', '2026-03-01');
      outside = await enter('3000', '2025-06-01', '2025-07-01');
      await finance.post(`/api/grants/${gA.id}/auditor-scopes`, {
        userId: auditor.user.id,
        fromDate: '2026-01-01',
        toDate: '2026-06-30',
        expiresAt: '2099-01-01T00:00:00Z',
      });
    });

    it('when the auditor lists the expenses, then only their grant’s parts of expenses incurred or paid within the range show, with their total; others are 404', async () => {
      const list = (await auditor.get(`/api/expenses?projectId=${project.id}&sort=amountCents`)).body;
      expect(
        list.items.map((e: any) => [
          e.id,
          e.amountCents,
          e.listedCents,
          e.parts.map((p: any) => [p.grantId, p.amountCents]),
        ]),
      ).to.deep.equal([
        [paidInRange, 1000, 600, [[gA.id, 600]]],
        [incurredInRange, 2000, 1200, [[gA.id, 1200]]],
      ]);
      expect(list).to.include({ count: 2, totalCents: 1800 });
      expect((await auditor.get(`/api/expenses/${paidInRange}`)).body.parts).to.have.length(1);
      expect((await auditor.get(`/api/expenses/${outside}`)).status).to.equal(404);
      expect((await auditor.get(`/api/expenses?grantId=${gB.id}`)).body).to.include({ count: 0, totalCents: 0 });
    });

    it('when the auditor opens the expenses page, then the total is their part and the other grant is not named', async () => {
      const page = await auditor.get(`/expenses?projectId=${project.id}`);
      expect(page.status).to.equal(200);
      expect(page.text)
        .to.include('<dt>Total</dt><dd>18,00 €</dd>')
        .and.include(gA.reference)
        .and.not.include(gB.reference);
    });

    it('when finance list the same expenses, then whole amounts show without a grant filter and the grant’s parts with one, by status, paid dates and budget line', async () => {
      expect((await finance.get(`/api/expenses?projectId=${project.id}`)).body).to.include({
        count: 3,
        totalCents: 6000,
      });
      expect((await finance.get(`/api/expenses?projectId=${project.id}&grantId=${gB.id}`)).body).to.include({
        count: 3,
        totalCents: 2400,
      });
      expect(
        (await finance.get(`/api/expenses?grantId=${gA.id}&status=actual&paidFrom=2026-01-01&paidTo=2026-01-31`)).body,
      ).to.include({ count: 1, totalCents: 600 });
      const lineA = gA.budgetLines.find((l) => l.year === 2026)!;
      expect((await finance.get(`/api/expenses?budgetLineId=${lineA.id}&status=committed,actual`)).body).to.include({
        count: 1,
        totalCents: 1200,
      });
    });

    it('when the grant’s budget lines are read, then the auditor gets their range only without remaining, finance everything with remaining, and each figure’s link adds up to it', async () => {
      // Auditor: 2025 line paid in the range 6,00; 2026 line incurred in it 12,00. Finance: 2025 line 6,00 + 18,00 paid.
      const lines = async (client: typeof finance) =>
        (await client.get(`/api/grants/${gA.id}`)).body.budgetLines.map((l: any) => ({
          ...l,
          row: [l.year, l.committedCents, l.actualCents, l.remainingCents],
        }));
      const scoped = await lines(auditor);
      expect(scoped.map((l: any) => l.row)).to.have.deep.members([
        [2025, 0, 600, null],
        [2026, 1200, 0, null],
      ]);
      const whole = await lines(finance);
      expect(whole.map((l: any) => l.row)).to.have.deep.members([
        [2025, 0, 2400, 97600],
        [2026, 1200, 0, 98800],
      ]);
      for (const [client, ls] of [
        [auditor, scoped],
        [finance, whole],
      ] as const) {
        for (const l of ls) {
          expect(await followLink(client, l.links.committed), l.links.committed).to.equal(l.committedCents);
          expect(await followLink(client, l.links.actual), l.links.actual).to.equal(l.actualCents);
        }
      }
    });

    it('when the auditor opens the grant page, then it says their access is limited to the period and shows no remaining nor whole amounts; the other grant is 404', async () => {
      const detail = await auditor.get(`/grants/${gA.id}`);
      expect(detail.status).to.equal(200);
      expect(detail.text)
        .to.include('Votre accès d’auditeur est limité à la période du 01/01/2026 au 30/06/2026.')
        .and.not.include('>Reste<')
        .and.not.include('24,00 €');
      expect((await auditor.get(`/grants/${gB.id}`)).status).to.equal(404);
    });
  });

  it('@pg when 50 claims are decided at once against a line with room for exactly 10, then exactly 10 pass, 40 get 409 and the line is never overspent', async function () {
    this.timeout(180_000);
    const s = await attendedSession();
    const finance = await signedIn('finance');
    const claims: { id: string; lines: { id: string; eligibleCents: number }[] }[] = [];
    for (let i = 0; i < 50; i++) {
      const person = await createParticipant();
      await db()('session_participants').insert({
        session_id: s.sessionId,
        participant_id: person.id,
        status: 'attended',
        walk_in: true,
      });
      const c = await s.staff.post('/api/claims', {
        participantId: person.id,
        sessionIds: [s.sessionId],
        lines: [MILEAGE],
        submit: true,
      });
      expect(c.status, c.text).to.equal(201);
      claims.push(c.body);
    }
    const each = claims[0].lines[0].eligibleCents;
    expect(claims.every((c) => c.lines[0].eligibleCents === each)).to.equal(true);
    const g = await fundedGrant(finance, s.project.id, { mileage: each * 10 });
    // 50 simultaneous requests (each on its own HTTP connection and, server side, its own database connection from the pool).
    const lead = s.lead;
    const replies = await Promise.all(
      claims.map((c) =>
        lead.post(`/api/claims/${c.id}/decision`, {
          lines: c.lines.map((l) => ({ lineId: l.id, grantedCents: l.eligibleCents })),
        }),
      ),
    );
    const codes = replies.map((r) => (r.status === 200 ? 'ok' : `${r.status} ${r.body?.error?.code}`));
    expect(codes.filter((c) => c === 'ok')).to.have.length(10);
    expect(codes.filter((c) => c === '409 budget_exceeded_requires_override')).to.have.length(40);
    const line = await lineOf(finance, g.id, 'mileage');
    expect(line.committedCents).to.equal(each * 10);
    expect(line.remainingCents).to.equal(0);
    const decided = await db()('claims')
      .whereIn(
        'id',
        claims.map((c) => c.id),
      )
      .whereNot('status', 'submitted')
      .count({ n: '*' });
    expect(Number(decided[0].n)).to.equal(10);
  });

  it('@pg when 10 grants are created at once on one project with 20 % each, then at most 5 exist and its shares never pass 100 %', async () => {
    const finance = await signedIn('finance');
    const project = await createProject();
    const base = {
      funder: 'Course aux parts',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      totalCents: 1000,
      cofundingRateBp: 5000,
      eligibleCategories: ['transport'],
    };
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        finance.post('/api/grants', { ...base, projects: [{ projectId: project.id, shareBp: 2000 }] }),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).to.have.length(5);
    expect(
      replies.filter((r) => r.status === 400).every((r) => r.body.error.details[0].field === 'projects.0.shareBp'),
    ).to.equal(true);
    const [{ total }] = await db()('grant_projects').where({ project_id: project.id }).sum({ total: 'share_bp' });
    expect(Number(total)).to.equal(10000);
  });
});
