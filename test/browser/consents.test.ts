import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { ctx } from '../helpers/context.js';
import { createParticipant, createUser } from '../helpers/factories.js';
import { expectNoAxeViolations, launchBrowser, newPage, signInPage } from '../helpers/browser.js';
import { freshIban } from '../payees/ibans.js';

/** Moves the focus with Tab until `selector` has it (fails after 60 presses). */
async function tabTo(page: Page, selector: string) {
  for (let i = 0; i < 60; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach ${selector} with Tab`);
}

describe('@browser consents and payees', function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('when staff record a consent and add a payee with the keyboard, then both show and axe finds nothing on the pages', async () => {
    const staff = await createUser({ roles: ['staff'], name: 'Agente Clavier' });
    const participant = await createParticipant({ firstName: 'Thị Ánh', lastName: 'Nguyễn' });
    const { context, page } = await newPage(browser);
    try {
      await signInPage(page, staff.email);
      await page.goto(`${ctx().baseUrl}/participants/${participant.id}/consents`);
      await expectNoAxeViolations(page, 'consents page');

      // Record an oral consent, witnessed by the signed-in agent, without touching the mouse.
      await page.locator('#f-purposeCode').focus();
      await tabTo(page, '#f-purposeCode');
      await page.keyboard.type('Vous contacter');
      await page.keyboard.press('Tab');
      await page.keyboard.type('Oral');
      await page.keyboard.press('Tab');
      await page.keyboard.type('Agente Clavier');
      expect(await page.locator('#f-purposeCode').inputValue()).to.equal('contact');
      expect(await page.locator('#f-channel').inputValue()).to.equal('oral');
      expect(await page.locator('#f-witnessUserId').inputValue()).to.equal(staff.id);
      await tabTo(page, 'form[enctype] button[type="submit"]');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${ctx().baseUrl}/participants/${participant.id}/consents`);
      expect(await page.getByRole('status').textContent()).to.include('Le consentement a été enregistré.');
      const row = page.getByRole('row', { name: /Vous contacter pour participer/ });
      expect(await row.textContent())
        .to.include('En cours')
        .and.include('témoin : Agente Clavier');
      await expectNoAxeViolations(page, 'consents page after recording');

      // The withdrawal confirmation is reachable and accessible too.
      await page.getByRole('link', { name: /Retirer… le consentement « Vous contacter pour participer »/ }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/withdraw=/);
      expect(await page.getByRole('button', { name: 'Confirmer le retrait' }).count()).to.equal(1);
      await expectNoAxeViolations(page, 'withdrawal confirmation');

      // Add a payee: the participant, with an IBAN typed as on a RIB.
      await page.goto(`${ctx().baseUrl}/participants/${participant.id}/payees`);
      await expectNoAxeViolations(page, 'payees page');
      const iban = freshIban();
      await page.locator('#f-iban').focus();
      await page.keyboard.type(iban.replace(/(.{4})(?=.)/g, '$1 '));
      await page.keyboard.press('Enter');
      await page.waitForURL(`${ctx().baseUrl}/participants/${participant.id}/payees`);
      const payeeRow = page.getByRole('row', { name: /Nguyễn/ });
      expect(await payeeRow.textContent())
        .to.include(`•••${iban.slice(23, 24)} ${iban.slice(24)}`)
        .and.not.include(iban.slice(4, 14));
      await expectNoAxeViolations(page, 'payees page after adding');
      await page
        .getByRole('link', { name: /^Modifier/ })
        .first()
        .focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/payees\/[0-9a-f-]{36}$/);
      await expectNoAxeViolations(page, 'payee edit page');
    } finally {
      await context.close();
    }
  });

  it('when finance reveals an IBAN and an admin edits a purpose, then axe finds nothing on those pages', async () => {
    const participant = await createParticipant();
    const iban = freshIban();
    const { createPayee } = await import('../../server/payees/index.js');
    const { systemActing, withSettingsRead } = await import('../../server/shared/acting.js');
    const { settingsLoader } = await import('../../server/settings/index.js');
    const { deps } = ctx();
    const acting = await withSettingsRead(systemActing({ now: deps.now(), settings: settingsLoader(deps.db) }));
    const { payee } = await createPayee(deps, acting, { participantId: participant.id, payee: { iban } });
    const finance = await createUser({ roles: ['finance'] });
    const admin = await createUser({ roles: ['admin'] });
    const { context, page } = await newPage(browser);
    try {
      await signInPage(page, finance.email);
      await page.goto(`${ctx().baseUrl}/participants/${participant.id}/payees?reveal=${payee.id}`);
      await expectNoAxeViolations(page, 'reveal confirmation');
      await page.getByRole('button', { name: 'Afficher l’IBAN complet' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector('#revealed-iban');
      expect((await page.locator('#revealed-iban').textContent())?.replace(/\s/g, '')).to.equal(iban);
      await expectNoAxeViolations(page, 'revealed IBAN');
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.waitForURL(/\/login/);

      await signInPage(page, admin.email);
      for (const path of ['/admin', '/admin/consent-purposes', '/admin/consent-purposes/contact']) {
        await page.goto(`${ctx().baseUrl}${path}`);
        await expectNoAxeViolations(page, path);
      }
    } finally {
      await context.close();
    }
  });
});
