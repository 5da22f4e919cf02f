import { expect } from 'chai';
import { randomBytes, randomInt } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { ctx } from '../helpers/context.js';
import { createUser } from '../helpers/factories.js';
import { expectNoAxeViolations, launchBrowser, newPage, signInPage } from '../helpers/browser.js';
import { attendedSession, TICKET } from '../claims/helpers.js';
import { receiptPng } from '../../server/demo/claims.js';

/** Focuses a field and types into it, as a clerk does with Tab and the keyboard (no mouse). */
async function typeInto(page: Page, label: string | RegExp, text: string) {
  const field = page.getByLabel(label, { exact: typeof label === 'string' });
  await field.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

/** Focuses a control and presses Enter: a link followed or a button pressed with the keyboard. */
async function pressEnterOn(page: Page, locator: ReturnType<Page['getByRole']>) {
  await locator.focus();
  await page.keyboard.press('Enter');
}

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe('@browser claims', function () {
  this.timeout(120_000);
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  // One journey, step by step: each step names the rule it checks and builds on the one before.
  describe('a paper claim typed with the keyboard only, then decided line by line by finance', () => {
    let base: string;
    let staffEmail: string;
    let staffId: string;
    let personId: string;
    let finance: Awaited<ReturnType<typeof createUser>>;
    let clerk: Awaited<ReturnType<typeof newPage>>;
    let reviewer: Awaited<ReturnType<typeof newPage>>;
    let claimUrl: string;
    let claimId: string;
    before(async () => {
      const tag = `Brw${randomBytes(3).toString('hex')}`;
      const day = daysAgo(3);
      const { staff, person } = await attendedSession({
        startsAt: `${day}T14:00:00+01:00`,
        endsAt: `${day}T17:00:00+01:00`,
      });
      await ctx()
        .deps.db('participants')
        .where({ id: person.id })
        .update({ last_name: `${tag}Girard`, first_name: 'Pierre' });
      finance = await createUser({ roles: ['finance'], name: 'Finance Testeuse' });
      base = ctx().baseUrl;
      staffEmail = staff.user.email;
      staffId = staff.user.id;
      personId = person.id;
      clerk = await newPage(browser);
      reviewer = await newPage(browser);
    });
    after(async () => {
      await clerk?.context.close();
      await reviewer?.context.close();
    });

    it('when staff open the entry form from the person’s page, then the person is chosen and the session they attended comes first', async () => {
      const page = clerk.page;
      await signInPage(page, staffEmail, { via: 'typed' });
      await page.goto(`${base}/participants/${personId}/claims`);
      await pressEnterOn(page, page.getByRole('link', { name: 'Saisir une demande' }));
      await page.waitForURL(/\/claims\/new\?participantId=/);
      expect(await page.getByLabel(/^2\. Personne/).inputValue()).to.equal(personId);
      // One arrow down picks it.
      await page.getByLabel(/^3\. Session/).focus();
      await page.keyboard.press('ArrowDown');
      const session = page.getByLabel(/^3\. Session/);
      expect(await session.locator('option:checked').textContent())
        .to.include('Atelier remboursements')
        .and.include('présent·e');
    });

    it('when the form is sent with no line, then the errors are listed and the choices kept, and axe finds nothing', async () => {
      const page = clerk.page;
      await pressEnterOn(page, page.getByRole('button', { name: 'Enregistrer et transmettre' }));
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').textContent()).to.include('ajoutez au moins une ligne');
      expect(
        await page
          .getByLabel(/^3\. Session/)
          .locator('option:checked')
          .textContent(),
      ).to.include('présent·e');
      await expectNoAxeViolations(page, 'claim entry form with errors');
    });

    it('when lines are typed with the keyboard, then Enter in a field adds a line and each line keeps its kind and values', async () => {
      const page = clerk.page;
      // Line 1: Die ↔ Valence by car, 2 × 66 km, 5 CV. Enter in a field adds a line (the form's first button).
      await page.getByLabel('Type de frais (ligne 1)').focus();
      await page.keyboard.type('Voiture');
      await typeInto(page, 'Km aller-retour (ligne 1)', '132');
      await page.getByLabel('Puissance fiscale (ligne 1)').focus();
      await page.keyboard.type('5');
      await page.getByLabel('Km aller-retour (ligne 1)').focus();
      await page.keyboard.press('Enter');
      await page.getByLabel('Type de frais (ligne 2)').waitFor();
      expect(await page.getByLabel('Km aller-retour (ligne 1)').inputValue()).to.equal('132');
      expect(await page.getByLabel('Puissance fiscale (ligne 1)').inputValue()).to.equal('cv_5_or_less');
      expect(await page.getByLabel('Type de frais (ligne 1)').inputValue()).to.equal('mileage');
      // Line 2: the bus to Die station, 19,80 € for the return trip.
      await page.getByLabel('Type de frais (ligne 2)').focus();
      await page.keyboard.type('Transports');
      await typeInto(page, 'Montant payé en € (ligne 2)', '19,80');
      expect(await page.getByLabel('Type de frais (ligne 2)').inputValue()).to.equal('public_transport');
      await expectNoAxeViolations(page, 'claim entry form');
    });

    it('when the claim is sent, then it is submitted, the mileage computed at the rate in force, the missing receipt flagged and the deciders named', async () => {
      const page = clerk.page;
      await pressEnterOn(page, page.getByRole('button', { name: 'Enregistrer et transmettre' }));
      await page.waitForURL(/\/claims\/[0-9a-f-]{36}$/);
      claimUrl = page.url();
      claimId = claimUrl.split('/').pop()!;
      const entered = await page.locator('main').textContent();
      expect(entered).to.include('La demande est enregistrée et transmise pour décision.').and.include('À instruire');
      expect(entered).to.include('132 km × 0,32 € = 42,24 €').and.include('Justificatif manquant');
      expect(entered).to.include('Seuls le service financier et le chef de ce projet décident de ses demandes.');
    });

    it('when the scanned ticket is attached to its line, then the claim no longer misses a receipt, and axe finds nothing', async () => {
      const page = clerk.page;
      // The ticket says 15,80 € (less than written on the form).
      await page.getByLabel('Fichier (PDF, JPEG ou PNG, 10 Mo au plus)').setInputFiles({
        name: 'billet.png',
        mimeType: 'image/png',
        buffer: receiptPng([randomInt(256), randomInt(256), randomInt(256)]),
      });
      await typeInto(page, 'Montant du justificatif (€)', '15,80');
      await page.getByLabel('Ligne justifiée').focus();
      await page.keyboard.type('Ligne 2');
      await pressEnterOn(page, page.getByRole('button', { name: 'Ajouter le justificatif' }));
      await page.waitForSelector('text=Le justificatif est ajouté.');
      expect(await page.locator('main').textContent()).not.to.include('Justificatif manquant');
      await expectNoAxeViolations(page, 'claim detail (staff, submitted)');
    });

    it('when finance grant the mileage in full and the ticket down to its receipt with a reason, then the claim is partially approved with that reason, by them, entered by staff', async () => {
      const page = reviewer.page;
      await signInPage(page, finance.email, { via: 'typed' });
      await page.goto(claimUrl);
      await expectNoAxeViolations(page, 'claim detail (decision form)');
      expect(await page.getByLabel('Accordé en € (ligne 1)').inputValue()).to.equal('42,24');
      await typeInto(page, 'Accordé en € (ligne 2)', '15,80');
      await page.getByLabel('Motif si réduit ou refusé (ligne 2)').focus();
      await page.keyboard.type('autre');
      expect(await page.getByLabel('Motif si réduit ou refusé (ligne 2)').inputValue()).to.equal('other');
      await typeInto(page, 'Précision (ligne 2)', 'Le billet joint ne justifie que 15,80 €.');
      await pressEnterOn(page, page.getByRole('button', { name: 'Enregistrer la décision' }));
      await page.waitForSelector('text=La décision est enregistrée');
      const decided = await page.locator('main').textContent();
      expect(decided)
        .to.include('Acceptée en partie')
        .and.include('Finance Testeuse')
        .and.include('Motif : autre motif (voir la précision) (Le billet joint ne justifie que 15,80 €.)');
      await expectNoAxeViolations(page, 'claim detail (decided)');
      const claim = await ctx()
        .deps.db('claims')
        .where({ id: claimId })
        .first('status', 'amount_granted_cents', 'entered_by', 'decided_by');
      expect(claim).to.deep.equal({
        status: 'partially_approved',
        amount_granted_cents: 4224 + 1580,
        entered_by: staffId,
        decided_by: finance.id,
      });
      const lines = await ctx()
        .deps.db('claim_lines')
        .where({ claim_id: claimId })
        .orderBy('position')
        .select('kind', 'granted_cents', 'reason_code');
      expect(lines).to.deep.equal([
        { kind: 'mileage', granted_cents: 4224, reason_code: null },
        { kind: 'public_transport', granted_cents: 1580, reason_code: 'other' },
      ]);
    });

    it('when the claim is decided, then the acknowledgement and the decision wait in the outbox for the person', async () => {
      // Real outbox messages: taken out of the queue, so that other tests' workers do not send them.
      expect(
        await ctx()
          .deps.db('outbox_messages')
          .where({ related_id: claimId, status: 'pending' })
          .update({ status: 'delivered', delivered_at: new Date() }),
      ).to.equal(2);
    });

    it('when finance open the claim lists, the advances and the demo’s partially approved claim, then axe finds nothing and advances are marked', async () => {
      const page = reviewer.page;
      const demo = await ctx()
        .deps.db('claims')
        .where({ status: 'partially_approved' })
        .whereNot({ id: claimId })
        .orderBy('created_at')
        .first('id');
      for (const path of [
        '/claims',
        '/claims?status=submitted',
        '/claims/advances',
        `/participants/${personId}/claims`,
        ...(demo ? [`/claims/${demo.id}`] : []),
      ]) {
        await page.goto(`${base}${path}`);
        await expectNoAxeViolations(page, path);
      }
      expect(await page.goto(`${base}/claims/advances`).then(() => page.locator('main').textContent())).to.include(
        '(avance)',
      );
    });
  });

  it('when a claim has an image receipt and a PDF receipt with a JavaScript OpenAction, then the page shows the image and offers the PDF as a download, both served sandboxed', async () => {
    const { staff, sessionId, person } = await attendedSession();
    const created = await staff.post('/api/claims', {
      participantId: person.id,
      sessionIds: [sessionId],
      lines: [TICKET(1200)],
    });
    expect(created.status, created.text).to.equal(201);
    const claimId = created.body.id as string;
    const png = receiptPng([randomInt(256), randomInt(256), randomInt(256)]);
    // The exact case of the issue: a PDF that runs a script when opened.
    const pdf = Buffer.from(
      `%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R /OpenAction <</S /JavaScript /JS (app.alert\\(document.cookie\\))>> >> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n% ${claimId}`,
      'latin1',
    );
    for (const [name, bytes, type] of [
      ['billet.png', png, 'image/png'],
      ['billet.pdf', pdf, 'application/pdf'],
    ] as const) {
      const up = await staff.upload(
        'POST',
        `/api/claims/${claimId}/receipts`,
        { amountCents: '600' },
        { field: 'file', name, bytes, type },
      );
      expect(up.status, up.text).to.equal(201);
    }
    const { page, context } = await newPage(browser);
    try {
      await signInPage(page, staff.user.email, { via: 'typed' });
      await page.goto(`${ctx().baseUrl}/claims/${claimId}`);
      // The image: shown, decoded by the browser.
      const img = page.getByRole('img', { name: 'Aperçu du justificatif 1' });
      await img.waitFor();
      expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).to.equal(true);
      // The PDF: a download link, no preview in the page.
      const link = page.getByRole('link', { name: /Justificatif 2 .*PDF, à télécharger/ });
      expect(await page.locator('main img').count()).to.equal(1);
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).to.equal('billet.pdf');
      const served = await page.request.get(`${ctx().baseUrl}${await link.getAttribute('href')}`);
      expect(served.headers()['content-disposition']).to.match(/^attachment; filename="billet.pdf"/);
      expect(served.headers()['content-security-policy']).to.equal('sandbox');
      expect(served.headers()['x-content-type-options']).to.equal('nosniff');
      const image = await page.request.get(`${ctx().baseUrl}${await img.getAttribute('src')}`);
      expect(image.headers()['content-disposition']).to.match(/^inline/);
      expect(image.headers()['content-security-policy']).to.equal('sandbox');
      await expectNoAxeViolations(page, 'claim detail with receipts');
    } finally {
      await context.close();
    }
  });
});
