import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { ctx } from '../helpers/context.js';
import { createUser, TEST_PASSWORD } from '../helpers/factories.js';
import { expectNoAxeViolations, launchBrowser, newPage, signInPage } from '../helpers/browser.js';

describe('@browser signing in', function () {
  this.timeout(60_000);
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('when a staff member signs in with the keyboard, then the dashboard shows; signing out returns to the login page; axe finds nothing', async () => {
    const user = await createUser({ roles: ['staff'], name: 'Claire Testeuse' });
    const { context, page } = await newPage(browser);
    try {
      await page.goto(`${ctx().baseUrl}/`);
      expect(page.url()).to.include('/login?next=%2F');
      await expectNoAxeViolations(page, 'login page');
      await page.getByLabel('Adresse e-mail').fill(user.email);
      await page.getByLabel('Mot de passe').fill(TEST_PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${ctx().baseUrl}/`);
      expect(await page.locator('h1').textContent()).to.equal('Bonjour Claire Testeuse');
      expect(
        await page
          .getByRole('navigation', { name: 'Navigation principale' })
          .getByRole('link', { name: 'Remboursements' })
          .count(),
      ).to.equal(1);
      expect(await page.getByRole('link', { name: 'Paiements' }).count()).to.equal(0); // staff do not pay
      await expectNoAxeViolations(page, 'dashboard');
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.waitForURL(/\/login/);
      await page.goto(`${ctx().baseUrl}/`);
      expect(page.url()).to.include('/login');
    } finally {
      await context.close();
    }
  });

  it('when the password is wrong, then the page says so in French and stays accessible', async () => {
    const user = await createUser({ roles: ['staff'] });
    const { context, page } = await newPage(browser);
    try {
      await page.goto(`${ctx().baseUrl}/login`);
      await page.getByLabel('Adresse e-mail').fill(user.email);
      await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await expect(await page.getByRole('alert').textContent()).to.include('Adresse e-mail ou mot de passe incorrect.');
      await expectNoAxeViolations(page, 'login error');
    } finally {
      await context.close();
    }
  });

  it('when an admin opens the administration pages, then axe finds nothing on them', async () => {
    const admin = await createUser({ roles: ['admin'] });
    const { context, page } = await newPage(browser);
    try {
      await signInPage(page, admin.email, { via: 'button' });
      for (const path of [
        '/admin',
        '/admin/users',
        '/admin/users/new',
        '/admin/settings',
        '/admin/audit',
        '/account',
        '/account/tokens',
        '/sessions',
      ]) {
        await page.goto(`${ctx().baseUrl}${path}`);
        await expectNoAxeViolations(page, path);
      }
    } finally {
      await context.close();
    }
  });
});
