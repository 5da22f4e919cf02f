import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { ctx } from '../helpers/context.js';
import { createUser } from '../helpers/factories.js';
import { expectNoAxeViolations, launchBrowser, newPage, signInPage } from '../helpers/browser.js';
import { tag } from '../participants/support.js';

/** Moves the focus to a field with the keyboard-reachable label and types, as a person would. */
async function typeInto(page: Page, label: string, text: string) {
  await page.getByLabel(label, { exact: true }).focus();
  await page.keyboard.type(text);
}

describe('@browser participants', function () {
  this.timeout(90_000);
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('when staff create a participant with the keyboard, then it is found by search; list, form, detail and edit pages pass axe', async () => {
    const staff = await createUser({ roles: ['staff'] });
    const lastName = `Nguyễn${tag()}`;
    const { context, page } = await newPage(browser);
    try {
      await signInPage(page, staff.email, { via: 'button' });
      await page.goto(`${ctx().baseUrl}/participants`);
      await expectNoAxeViolations(page, 'participants list');
      await page.getByRole('link', { name: 'Nouvelle fiche' }).click();
      await page.waitForURL(/\/participants\/new$/);
      await expectNoAxeViolations(page, 'new participant form');

      await typeInto(page, 'Nom (obligatoire)', lastName);
      await typeInto(page, 'Prénom (obligatoire)', 'Thị Ánh');
      await typeInto(page, 'Téléphone', '06 39 98 06 01');
      await typeInto(page, 'Code postal', '26000');
      await typeInto(page, 'Commune', 'Valence');
      await typeInto(page, 'Adresse e-mail', 'pas-une-adresse');
      await page.keyboard.press('Enter');
      await page.waitForLoadState('load');
      expect(await page.getByRole('alert').first().textContent()).to.include('Le formulaire contient des erreurs');
      await expectNoAxeViolations(page, 'new participant form with errors');
      await page.getByLabel('Adresse e-mail', { exact: true }).fill('');
      await page.getByLabel('Adresse e-mail', { exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/participants\/[0-9a-f-]{36}$/);
      expect(await page.locator('h1').textContent()).to.equal(`${lastName} Thị Ánh`);
      expect(
        await page
          .getByRole('navigation', { name: 'Onglets de la fiche' })
          .getByRole('link', { name: 'Fiche' })
          .getAttribute('aria-current'),
      ).to.equal('page');
      await expectNoAxeViolations(page, 'participant detail');
      const detailUrl = page.url();

      await page.getByRole('link', { name: 'Modifier la fiche' }).click();
      await page.waitForURL(/\/edit$/);
      await expectNoAxeViolations(page, 'participant edit form');

      await page.goto(`${ctx().baseUrl}/participants`);
      await typeInto(page, 'Rechercher', lastName.replace('ễ', 'e'));
      await page.keyboard.press('Enter');
      await page.waitForURL(/q=/);
      const row = page.getByRole('row').filter({ hasText: lastName });
      expect(await row.count()).to.equal(1);
      expect(await row.getByRole('cell').nth(4).textContent()).to.include('Téléphone');
      await expectNoAxeViolations(page, 'participants search results');
      await row.getByRole('link', { name: `${lastName} Thị Ánh` }).click();
      await page.waitForURL(detailUrl);

      await page.goto(`${detailUrl}/merge`);
      await expectNoAxeViolations(page, 'merge page');
      for (const path of ['/partners/new', '/partners']) {
        await page.goto(`${ctx().baseUrl}${path}`);
        await expectNoAxeViolations(page, path);
      }
    } finally {
      await context.close();
    }
  });

  it('when staff import a CSV, then the preview shows the row errors; upload and preview pages pass axe', async () => {
    const staff = await createUser({ roles: ['staff'] });
    const t = tag();
    const { context, page } = await newPage(browser);
    try {
      await signInPage(page, staff.email, { via: 'button' });
      await page.goto(`${ctx().baseUrl}/participants/imports`);
      await expectNoAxeViolations(page, 'import upload page');
      await page.getByLabel('Fichier (obligatoire)').setInputFiles({
        name: 'liste.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          `Nom;Prénom;Courriel;Code postal;Commune\nImport${t};Rose;rose.${t.toLowerCase()}@example.org;26200;Montélimar\nImport${t};Lys;faux;26200;Montélimar\n`,
        ),
      });
      await page.getByRole('button', { name: 'Voir l’aperçu' }).click();
      await page.waitForURL(/\/participants\/imports\/[0-9a-f-]{36}$/);
      expect(await page.locator('#valid-count').textContent()).to.equal('1');
      expect(await page.locator('main').textContent()).to.include('doit être une adresse e-mail valide');
      await expectNoAxeViolations(page, 'import preview');
      await page.getByRole('button', { name: 'Créer 1 fiche' }).click();
      await page.waitForURL(/\/participants\?sort=-createdAt/);
      expect(await page.locator('main').textContent()).to.include(`Import${t}`);
    } finally {
      await context.close();
    }
  });

  it('when an auditor opens the list and a record, then no contact detail shows and axe finds nothing', async () => {
    const auditor = await createUser({ roles: ['auditor'] });
    const { context, page } = await newPage(browser);
    try {
      await signInPage(page, auditor.email, { via: 'button' });
      await page.goto(`${ctx().baseUrl}/participants`);
      await expectNoAxeViolations(page, 'participants list (auditor)');
      const first = page.getByRole('row').nth(1).getByRole('link').first();
      await first.click();
      await page.waitForURL(/\/participants\/[0-9a-f-]{36}$/);
      expect(await page.locator('main').textContent()).to.not.include('@');
      await expectNoAxeViolations(page, 'participant detail (auditor)');
      await page.goto(`${ctx().baseUrl}/partners`);
      await expectNoAxeViolations(page, 'partners list');
      await page.getByRole('row').nth(1).getByRole('link').first().click();
      await page.waitForURL(/\/partners\/[0-9a-f-]{36}$/);
      await expectNoAxeViolations(page, 'partner (read only)');
    } finally {
      await context.close();
    }
  });
});
