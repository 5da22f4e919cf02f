import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { ctx } from '../helpers/context.js';
import { launchBrowser, newPage, signInPage } from '../helpers/browser.js';
import { DEMO_PASSWORD, DEMO_USERS } from '../../server/demo/load-demo.js';

describe('@browser demo data', function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('when a demo administrator signs in, then the demo organisation and its staff are there', async () => {
    const demoAdmin = DEMO_USERS.find((u) => u.roles.includes('admin'))!;
    const { context, page } = await newPage(browser);
    try {
      await signInPage(page, demoAdmin.email, { password: DEMO_PASSWORD, via: 'button' });
      expect(await page.title()).to.include('Département de la Drôme');
      await page.goto(`${ctx().baseUrl}/admin/users?q=departement.example`);
      const text = await page.locator('main').textContent();
      for (const u of DEMO_USERS) expect(text).to.include(u.name);
    } finally {
      await context.close();
    }
  });
});
