import { expect } from 'chai';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { expectNoAxeViolations, launchBrowser, newPage, signInPage } from '../helpers/browser.js';
import { pdfText } from '../helpers/documents.js';
import { grantScenario } from './helpers.js';

describe('@browser grant reports', function () {
  this.timeout(120_000);
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  async function downloadOf(page: Page, button: ReturnType<Page['getByRole']>) {
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    return { name: download.suggestedFilename(), bytes: fs.readFileSync((await download.path())!) };
  }

  it('when finance opens the grant dashboard and the exports page, then axe finds nothing and the three documents download', async () => {
    const s = await grantScenario();
    const finance = await signedIn('finance');
    const { context, page } = await newPage(browser);
    const base = ctx().baseUrl;
    try {
      await signInPage(page, finance.user.email);

      await page.goto(`${base}/grants/${s.g1.id}/dashboard`);
      expect(await page.locator('h1').textContent()).to.include(s.g1.reference);
      expect(await page.locator('svg[role="img"]').count()).to.equal(3);
      await expectNoAxeViolations(page, 'grant dashboard');
      await page.getByRole('link', { name: '318,60 €' }).first().click();
      await page.waitForURL(/\/expenses\?grantId=/);
      expect(await page.locator('main').textContent())
        .to.include(s.expenses.e8.reference)
        .and.include('318,60 €');
      await expectNoAxeViolations(page, 'expenses behind a figure');
      await page.goBack();
      await page.getByRole('link', { name: 'Documents pour le financeur' }).click();
      await page.waitForURL(`${base}/grants/${s.g1.id}/exports`);
      await expectNoAxeViolations(page, 'grant exports');

      await page.getByLabel('Payées à partir du').first().fill('2025-01-01');
      await page.getByLabel('Jusqu’au').first().fill('2026-12-31');
      const pdf = await downloadOf(page, page.getByRole('button', { name: 'Télécharger l’état (PDF)' }));
      expect(pdf.name).to.equal(`etat-depenses-${s.g1.reference}-2025-01-01-2026-12-31.pdf`);
      expect(pdfText(pdf.bytes)).to.include('318,60 €');
      const csv = await downloadOf(page, page.getByRole('button', { name: 'Télécharger l’état (CSV)' }));
      expect(csv.bytes.toString('utf8')).to.include('Total général;;;5 ligne(s);;318,60');
      const xlsx = await downloadOf(page, page.getByRole('button', { name: 'Télécharger l’état (Excel)' }));
      expect(xlsx.bytes.subarray(0, 2).toString()).to.equal('PK');

      await page.getByLabel('Année').selectOption('2025');
      await page.getByRole('button', { name: 'Afficher' }).click();
      const report = await downloadOf(page, page.getByRole('link', { name: 'Compte rendu financier 2025 (PDF)' }));
      expect(pdfText(report.bytes)).to.include('Compte rendu financier').and.include('210,60 €');
      await page.getByLabel('Explication de l’écart, Location de salles').fill('Une salle gratuite a été prêtée.');
      await page.getByRole('button', { name: 'Enregistrer les explications' }).click();
      expect(await page.locator('.flash').textContent()).to.include('explications des écarts ont été enregistrées');

      await page.getByRole('button', { name: 'Préparer la demande…' }).click();
      await page.waitForURL(/drawdowns\/new/);
      await expectNoAxeViolations(page, 'drawdown confirmation');
      await page.getByRole('button', { name: 'Oui, créer la demande de versement' }).click();
      await page.waitForURL(new RegExp(`/grants/${s.g1.id}/exports`));
      const drawdown = await downloadOf(page, page.getByRole('link', { name: 'PDF de la demande n° 1' }));
      expect(pdfText(drawdown.bytes)).to.include('Demande de versement n° 1').and.include('124,00 €');
      await expectNoAxeViolations(page, 'grant exports with a drawdown');
    } finally {
      await context.close();
    }
  });
  it('when an auditor limited to the grant signs in, then the menu offers only grants and expenses, the grant, its dashboard, a project dashboard and the statement open, participants are refused in French, and axe finds nothing', async () => {
    const s = await grantScenario();
    const auditor = await signedIn('auditor');
    await ctx()
      .deps.db('auditor_scopes')
      .insert({
        user_id: auditor.user.id,
        grant_id: s.g1.id,
        from_date: '2025-01-01',
        to_date: '2026-12-31',
        expires_at: new Date(Date.now() + 86_400_000),
      });
    const { context, page } = await newPage(browser);
    const base = ctx().baseUrl;
    try {
      await signInPage(page, auditor.user.email);
      const menu = await page.locator('nav').first().locator('a').allTextContents();
      expect(menu.map((t) => t.trim())).to.deep.equal(['Tableau de bord', 'Financements', 'Dépenses']);
      await expectNoAxeViolations(page, 'home of a scoped auditor');

      await page.locator('nav').first().getByRole('link', { name: 'Financements' }).click();
      await page.waitForURL(`${base}/grants`);
      expect(await page.locator('tbody tr').count()).to.equal(1);
      await page.getByRole('link', { name: s.g1.reference }).click();
      await page.waitForURL(`${base}/grants/${s.g1.id}`);
      await expectNoAxeViolations(page, 'grant seen by a scoped auditor');
      await page.getByRole('link', { name: s.p1.name }).click();
      await page.waitForURL(`${base}/projects/${s.p1.id}/dashboard`);
      await expectNoAxeViolations(page, 'project dashboard seen by a scoped auditor');
      await page.goto(`${base}/grants/${s.g1.id}/exports`);
      await page.getByLabel('Payées à partir du').first().fill('2025-01-01');
      await page.getByLabel('Jusqu’au').first().fill('2026-12-31');
      const csv = await downloadOf(page, page.getByRole('button', { name: 'Télécharger l’état (CSV)' }));
      expect(csv.bytes.toString('utf8')).to.include('Total général;;;5 ligne(s);;318,60');

      const refused = await page.goto(`${base}/participants`);
      expect(refused!.status()).to.equal(403);
      expect(await page.locator('main').textContent()).to.include('limité aux financements');
      await expectNoAxeViolations(page, 'page refused to a scoped auditor');
    } finally {
      await context.close();
    }
  });
});
