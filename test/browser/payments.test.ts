import { expect } from 'chai';
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { expectNoAxeViolations, launchBrowser, newPage, signInPage } from '../helpers/browser.js';
import { frenchIban } from '../../server/demo/consents.js';
import { approvedClaim, attendee, payingSetup } from '../payments/helpers.js';

describe('@browser payments', function () {
  this.timeout(90_000);
  let browser: Browser;
  let restore: Record<string, unknown>;
  before(async () => {
    browser = await launchBrowser();
    const admin = await signedIn('admin');
    const current = (await admin.get('/api/settings')).body.settings;
    restore = { payerMode: current.payerMode, sepaVersion: current.sepaVersion, debtor: current.debtor };
    await admin.patch('/api/settings', {
      payerMode: 'sepa_transfer',
      debtor: { name: 'Régie du département', iban: frenchIban('30001', '00064', '00000054321'), bic: null },
    });
  });
  after(async () => {
    await browser?.close();
    await (await signedIn('admin')).patch('/api/settings', restore);
  });

  it('when finance builds a batch, exports it, downloads the SEPA file and marks it paid, then each page works without scripts and axe finds nothing', async () => {
    const s = await payingSetup();
    const person = await attendee(s, { firstName: 'Inès', lastName: 'Brouillard' });
    const claim = await approvedClaim(s, person.id);
    const { context, page } = await newPage(browser);
    const base = ctx().baseUrl;
    try {
      await signInPage(page, s.finance.user.email);

      await page.goto(`${base}/payments`);
      await expectNoAxeViolations(page, 'batches list');
      await page.getByRole('link', { name: 'Préparer un lot de paiement' }).click();
      await page.getByLabel('Démarche', { exact: true }).selectOption(s.project.id);
      await page.getByRole('button', { name: 'Afficher' }).click();
      await page.getByLabel(`Choisir ${claim.reference}`).check();
      await page.getByRole('button', { name: 'Recalculer le total' }).click();
      expect(await page.getByRole('status').textContent())
        .to.include('1 demande(s)')
        .and.include('13,44');
      await expectNoAxeViolations(page, 'batch builder');
      await page.getByRole('button', { name: 'Créer le lot' }).click();
      await page.waitForURL(/\/payments\/[0-9a-f-]{36}$/);
      const batchUrl = page.url();
      expect(await page.locator('main').textContent())
        .to.include('Ouvert')
        .and.include('Inès Brouillard');
      await expectNoAxeViolations(page, 'open batch');

      await page.getByRole('button', { name: 'Exporter le lot' }).click();
      await page.waitForURL(batchUrl);
      expect(await page.locator('main').textContent()).to.include('Exporté');
      await expectNoAxeViolations(page, 'exported batch');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Fichier de virements SEPA (XML)' }).click(),
      ]);
      const xml = fs.readFileSync((await download.path())!, 'utf8');
      expect(xml).to.include('<CtrlSum>13.44</CtrlSum>').and.include('Ines Brouillard');

      await page.getByRole('link', { name: 'Annuler après export' }).click();
      await expectNoAxeViolations(page, 'void confirmation');
      await page.getByRole('link', { name: 'Non, revenir au lot' }).click();
      await page.getByRole('button', { name: 'Marquer le lot payé' }).click();
      await page.waitForURL(batchUrl);
      expect(await page.locator('main').textContent()).to.include('Payé');
      await expectNoAxeViolations(page, 'paid batch');
      await page.getByRole('link', { name: 'Signaler un rejet du paiement n° 1' }).click();
      await expectNoAxeViolations(page, 'reject confirmation');
      await page.getByRole('link', { name: 'Non, revenir au lot' }).click();
      await page.waitForURL(batchUrl);
      expect((await ctx().deps.db('claims').where({ id: claim.id }).first('status')).status).to.equal('paid');

      const [bundle] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: /Dossier de pièces \(ZIP\)/ }).click(),
      ]);
      expect(
        fs
          .readFileSync((await bundle.path())!)
          .subarray(0, 2)
          .toString('latin1'),
      ).to.equal('PK');
      expect(bundle.suggestedFilename()).to.match(/^dossier-B-\d{4}-\d+\.zip$/);
      await page.goto(`${base}/participants/${person.id}`);
      expect(await page.getByRole('heading', { name: 'Paiements' }).isVisible()).to.equal(true);
      expect(await page.locator('main').textContent())
        .to.include(claim.reference)
        .and.include('payé le');
      await expectNoAxeViolations(page, 'participant payments');
      await page.goto(`${base}/claims/${claim.id}`);
      const [claimBundle] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Dossier de pièces (ZIP)' }).click(),
      ]);
      expect(claimBundle.suggestedFilename()).to.equal(`dossier-${claim.reference}.zip`);
    } finally {
      await context.close();
    }
  });
});
