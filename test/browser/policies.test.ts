import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { ctx } from '../helpers/context.js';
import { createUser } from '../helpers/factories.js';
import { expectNoAxeViolations, launchBrowser, newPage, signInPage } from '../helpers/browser.js';

describe('@browser reimbursement policy page', function () {
  this.timeout(60_000);
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('when finance opens the policies and sends a wrong amount with the keyboard, then the errors are announced and axe finds nothing', async () => {
    const finance = await createUser({ roles: ['finance'] });
    const { context, page } = await newPage(browser);
    try {
      await signInPage(page, finance.email, { via: 'button' });
      await page.goto(`${ctx().baseUrl}/admin/policies`);
      await expectNoAxeViolations(page, '/admin/policies');
      await page.getByLabel('Applicable aux déplacements à partir du').fill('2093-01-01');
      await page.getByLabel('Repas (forfait par repas) (€)').fill('vingt');
      await page.getByRole('button', { name: 'Enregistrer la nouvelle version' }).press('Enter');
      await page.waitForLoadState();
      expect(await page.getByRole('alert').textContent()).to.include('doit être un montant en euros');
      await expectNoAxeViolations(page, '/admin/policies with errors');
    } finally {
      await context.close();
    }
  });
});
