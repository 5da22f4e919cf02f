import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ctx } from '../helpers/context.js';
import { createUser, signedIn, TEST_PASSWORD } from '../helpers/factories.js';
import { createProject, createVenue } from '../helpers/logistics.js';
import { payingSetup } from '../payments/helpers.js';
import { SAMPLE_FILES } from '../helpers/documents.js';
import { expectNoAxeViolations, launchBrowser, newPage } from '../helpers/browser.js';
import { db, fundedGrant } from './helpers.js';

async function signIn(page: Page, email: string) {
  await page.goto(`${ctx().baseUrl}/login`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${ctx().baseUrl}/`);
}

describe('grants: pages', () => {
  it('when finance uses the grant and expense pages, then the list, forms, detail and the over-budget confirmation answer in French', async () => {
    const finance = await signedIn('finance');
    const project = await createProject();
    const empty = await finance.get('/grants?q=zzz-introuvable');
    expect(empty.status).to.equal(200);
    expect(empty.text).to.include('Aucun financement ne correspond');
    const created = await finance.postForm('/grants/new', {
      funder: 'ARS — page',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      totalEuros: '10 000',
      cofundingPercent: '150',
      eligibleCategories: ['catering'],
      ceilingYear: ['2026'],
      ceilingEuros: ['5 000'],
      projectId: [project.id],
      sharePercent: ['100'],
    });
    expect(created.status).to.equal(400);
    expect(created.text).to.include('Le formulaire contient des erreurs').and.include('href="#f-cofundingPercent"');
    const ok = await finance.postForm('/grants/new', {
      funder: 'ARS — page',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      totalEuros: '10 000',
      cofundingPercent: '50',
      eligibleCategories: ['catering'],
      ceilingYear: ['2026'],
      ceilingEuros: ['5 000'],
      projectId: [project.id],
      sharePercent: ['100'],
    });
    expect(ok.status, ok.text).to.equal(303);
    const grantUrl = ok.headers.get('location')!;
    const line = await finance.postForm(`${grantUrl}/budget-lines`, {
      category: 'catering',
      year: '2026',
      amountEuros: '10',
    });
    expect(line.status).to.equal(303);
    const detail = await finance.get(grantUrl);
    expect(detail.text).to.include('Lignes budgétaires').and.include('10,00').and.include(project.name);
    // Over budget: the form asks finance for a reason, then records it.
    const form = new FormData();
    for (const [k, v] of Object.entries({
      projectId: project.id,
      category: 'catering',
      amountEuros: '25',
      incurredOn: '2026-04-01',
    }))
      form.append(k, v);
    form.append('file', new Blob([SAMPLE_FILES.pdf], { type: 'application/pdf' }), 'facture.pdf');
    const over = await finance.request('POST', `/expenses/new?_csrf=${finance.csrfToken}`, { multipart: form });
    expect(over.status).to.equal(409);
    expect(over.text).to.include('Raison du dépassement');
    form.append('overrideReason', 'Repas supplémentaire validé');
    const confirmed = await finance.request('POST', `/expenses/new?_csrf=${finance.csrfToken}`, { multipart: form });
    expect(confirmed.status, confirmed.text).to.equal(303);
    const expense = await finance.get(confirmed.headers.get('location')!);
    expect(expense.text).to.include('Répartition entre financements').and.include('Télécharger la facture');
    const list = await finance.get(`/expenses?projectId=${project.id}`);
    expect(list.text).to.include('25,00');
  });

  it('when a booking expense is opened by finance, then its page offers the invoice form, and sending it makes the expense actual', async () => {
    const s = await payingSetup();
    await fundedGrant(s.finance, s.project.id, { venue: 1_000_000 });
    const venue = await createVenue({ costMode: 'day', costCents: 9_000 });
    const sess = await s.staff.post('/api/sessions', {
      projectId: s.project.id,
      title: 'Atelier facture',
      kind: 'workshop',
      capacity: 10,
      startsAt: '2026-06-15T09:00:00+02:00',
      endsAt: '2026-06-15T17:00:00+02:00',
    });
    const b = await s.staff.post('/api/bookings', { venueId: venue.id, sessionId: sess.body.id });
    expect((await s.staff.post(`/api/bookings/${b.body.id}/confirm`, {})).status).to.equal(200);
    const e = await db()('expenses').where({ booking_id: b.body.id }).first('id');
    const pageView = await s.finance.get(`/expenses/${e.id}`);
    expect(pageView.text).to.include('Enregistrer la facture de la salle').and.include('Réservation de salle');
    const form = new FormData();
    form.append('paidOn', '2026-07-01');
    form.append('amountEuros', '85,00');
    form.append('file', new Blob([SAMPLE_FILES.png], { type: 'image/png' }), 'facture.png');
    const sent = await s.finance.request('POST', `/expenses/${e.id}/invoice?_csrf=${s.finance.csrfToken}`, {
      multipart: form,
    });
    expect(sent.status).to.equal(303);
    expect(await db()('expenses').where({ id: e.id }).first('status', 'paid_on', 'amount_cents')).to.deep.equal({
      status: 'actual',
      paid_on: '2026-07-01',
      amount_cents: 8500,
    });
  });

  describe('@browser journey', function () {
    this.timeout(90_000);
    let browser: Browser;
    before(async () => {
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
    });

    it('@browser when finance creates a grant, adds a line and enters an invoice with the pages, then axe finds nothing on them', async () => {
      const user = await createUser({ roles: ['finance'], name: 'Financière Navigateur' });
      const project = await createProject({ name: `Démarche navigateur ${Date.now()}` });
      const grant = await fundedGrant(await signedIn('finance'), project.id, { facilitation: 500_000 });
      const { context, page } = await newPage(browser);
      const file = path.join(os.tmpdir(), `facture-${Date.now()}.pdf`);
      fs.writeFileSync(file, SAMPLE_FILES.pdf);
      try {
        await signIn(page, user.email);
        await page.goto(`${ctx().baseUrl}/grants`);
        await expectNoAxeViolations(page, 'grants list');
        await page.goto(`${ctx().baseUrl}/grants/new`);
        await expectNoAxeViolations(page, 'grant form');
        await page.getByLabel('Financeur').fill('CAF de la Drôme — navigateur');
        await page.getByLabel('Début de la période').fill('2026-01-01');
        await page.getByLabel('Fin de la période').fill('2027-12-31');
        await page.getByLabel('Montant total (euros)').fill('20 000');
        await page.getByLabel('Taux de cofinancement (%)').fill('40');
        await page.getByLabel('Restauration, collations').check();
        await page.getByRole('button', { name: 'Enregistrer' }).click();
        await page.waitForURL(/\/grants\/[0-9a-f-]{36}$/);
        await expectNoAxeViolations(page, 'grant detail');
        await page.goto(`${ctx().baseUrl}/grants/${grant.id}`);
        await expectNoAxeViolations(page, 'grant detail with lines');
        await page.goto(`${ctx().baseUrl}/expenses/new`);
        await expectNoAxeViolations(page, 'invoice form');
        await page.getByLabel('Démarche').selectOption(project.id);
        await page.getByLabel('Catégorie').selectOption('facilitation');
        await page.getByLabel('Montant TTC (euros)').fill('1 200,00');
        await page.getByLabel('Date de la prestation').fill('2026-05-12');
        await page.getByLabel('Facture', { exact: false }).last().setInputFiles(file);
        await page.getByRole('button', { name: 'Enregistrer la dépense' }).click();
        await page.waitForURL(/\/expenses\/[0-9a-f-]{36}$/);
        await expectNoAxeViolations(page, 'expense detail');
        expect(await page.textContent('main')).to.include('1 200,00');
        await page.goto(`${ctx().baseUrl}/expenses`);
        await expectNoAxeViolations(page, 'expenses list');
        expect(
          await db()('expenses').where({ project_id: project.id, category: 'facilitation' }).first('id'),
        ).to.not.equal(undefined);
      } finally {
        await context.close();
        fs.rmSync(file, { force: true });
      }
    });
  });
});
