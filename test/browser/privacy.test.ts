import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { ctx } from '../helpers/context.js';
import { createUser } from '../helpers/factories.js';
import { expectNoAxeViolations, launchBrowser, newPage, signInPage } from '../helpers/browser.js';
import { createFullPerson } from '../privacy/helpers.js';

describe('@browser data protection officer', function () {
  this.timeout(90_000);
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('when the DPO simulates then applies retention from the pages, then the person is anonymised and every page passes axe', async () => {
    const dpo = await createUser({ roles: ['dpo'], name: 'Delphine Protection' });
    // In the past, so that only this test's person is due in the shared database.
    const person = await createFullPerson({ lastContactAt: new Date('1990-03-01T10:00:00Z') });
    const { context, page } = await newPage(browser);
    try {
      await signInPage(page, dpo.email, { via: 'button' });
      await page
        .getByRole('navigation', { name: 'Navigation principale' })
        .getByRole('link', { name: 'Données personnelles' })
        .click();
      await expect(await page.locator('h1').textContent()).to.equal('Données personnelles');
      await expectNoAxeViolations(page, '/privacy');
      ctx().clock.now = new Date('1993-06-01T10:00:00Z');
      await page.getByRole('link', { name: 'Conservation des données' }).first().click();
      await expectNoAxeViolations(page, '/privacy/retention');
      await page.getByRole('button', { name: 'Simuler (ne modifie rien)' }).click();
      await page.getByRole('heading', { name: 'Ce que le passage ferait' }).waitFor({ timeout: 15_000 });
      await expectNoAxeViolations(page, 'dry-run result');
      expect((await ctx().deps.db('participants').where({ id: person.id }).first()).status).to.equal('active');

      await page.goto(`${ctx().baseUrl}/privacy/retention`);
      await page.getByRole('link', { name: 'Appliquer…' }).click();
      await expectNoAxeViolations(page, 'apply confirmation');
      await page.getByRole('button', { name: 'Confirmer et appliquer' }).click();
      await page.getByRole('heading', { name: 'Ce que le passage a fait' }).waitFor({ timeout: 15_000 });
      expect(await page.locator('main').textContent()).to.include('Anonymisation');
      expect((await ctx().deps.db('participants').where({ id: person.id }).first()).status).to.equal('anonymised');
      ctx().clock.now = null;

      await page.goto(`${ctx().baseUrl}/participants/${person.id}/privacy`);
      expect(await page.locator('h1').textContent()).to.include(person.reference);
      await expectNoAxeViolations(page, 'participant privacy page');
      await page.goto(`${ctx().baseUrl}/privacy/register`);
      await expectNoAxeViolations(page, '/privacy/register');
    } finally {
      ctx().clock.now = null;
      await context.close();
    }
  });

  it('when a run is in progress, then its page refreshes itself without JavaScript until the result shows', async () => {
    const dpo = await createUser({ roles: ['dpo'] });
    const [job] = await ctx()
      .deps.db('jobs')
      .insert({
        kind: 'retention',
        status: 'running',
        params: JSON.stringify({ mode: 'apply', trigger: 'daily' }),
        progress: 200,
        total: 800,
        started_at: new Date(),
        heartbeat_at: new Date(),
      })
      .returning('id');
    const context = await browser.newContext({ locale: 'fr-FR', javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await signInPage(page, dpo.email, { via: 'button' });
      await page.goto(`${ctx().baseUrl}/privacy/retention/runs/${job.id}`);
      expect(await page.locator('main').textContent()).to.include('25 %');
      await ctx()
        .deps.db('jobs')
        .where({ id: job.id })
        .update({
          status: 'completed',
          progress: 800,
          finished_at: new Date(),
          result: JSON.stringify({
            mode: 'apply',
            participants: { archive: 0, anonymise: 800 },
            erased: { archive: {}, anonymise: { participants: { identity: 800 } } },
          }),
        });
      // No script on the page: only the meta refresh can bring the result.
      await page.getByRole('heading', { name: 'Ce que le passage a fait' }).waitFor({ timeout: 10_000 });
      expect(await page.locator('main').textContent()).to.include('800');
    } finally {
      await context.close();
    }
    // Accessibility of the progress view: with the refresh (WCAG 2.2.1 is met by the link that
    // stops it, which axe's meta-refresh rule cannot see) and after stopping it.
    const { context: checked, page } = await newPage(browser);
    try {
      await signInPage(page, dpo.email, { via: 'button' });
      const [other] = await ctx()
        .deps.db('jobs')
        .insert({
          kind: 'retention',
          status: 'running',
          params: JSON.stringify({ mode: 'dry_run', trigger: 'page' }),
          progress: 1,
          total: 4,
          started_at: new Date(),
          heartbeat_at: new Date(),
        })
        .returning('id');
      await page.goto(`${ctx().baseUrl}/privacy/retention/runs/${other.id}`);
      const results = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .disableRules(['meta-refresh'])
        .analyze();
      expect(results.violations.map((v) => v.id)).to.deep.equal([]);
      await page.getByRole('link', { name: 'Arrêter la mise à jour automatique' }).click();
      await expectNoAxeViolations(page, 'run page without refresh');
      await ctx()
        .deps.db('jobs')
        .where({ id: other.id })
        .update({ status: 'failed', error_code: 'test', finished_at: new Date() });
    } finally {
      await checked.close();
    }
  });
});
