import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { ctx } from '../helpers/context.js';
import { createParticipant, createUser } from '../helpers/factories.js';
import { createProject, createVenue } from '../helpers/logistics.js';
import { expectNoAxeViolations, launchBrowser, newPage, signInPage } from '../helpers/browser.js';

describe('@browser sessions', function () {
  this.timeout(90_000);
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  // One journey, step by step: each step names the rule it checks and builds on the one before.
  describe('a session created, booked, invited and taken attendance of, with the keyboard and axe', () => {
    let tag: string;
    let project: Awaited<ReturnType<typeof createProject>>;
    let venue: Awaited<ReturnType<typeof createVenue>>;
    let wheelchair: Awaited<ReturnType<typeof createParticipant>>;
    let tab: Awaited<ReturnType<typeof newPage>>;
    let base: string;
    let sessionUrl: string;
    before(async () => {
      const user = await createUser({ roles: ['staff', 'project_lead'] });
      tag = `Brw${randomBytes(3).toString('hex')}`;
      project = await createProject({ name: `Projet ${tag}` });
      venue = await createVenue({ name: `Salle à l’étage ${tag}`, stepFreeAccess: false });
      wheelchair = await createParticipant({
        contactConsent: true,
        firstName: 'Rose',
        lastName: `${tag}Aubry`,
        needs: ['step_free_access'],
      });
      await createParticipant({ contactConsent: true, firstName: 'Ánh', lastName: `${tag}Nguyễn` });
      await createParticipant({
        contactConsent: true,
        firstName: 'Paul',
        lastName: `${tag}Morel`,
        email: null,
        preferredChannel: 'letter',
      });
      await createParticipant({ contactConsent: true, firstName: 'Léa', lastName: `${tag}Walkin` });
      tab = await newPage(browser);
      base = ctx().baseUrl;
      await signInPage(tab.page, user.email);
    });
    after(async () => {
      await tab?.context.close();
    });

    it('when staff create a session from the form, then its page gives the date and times in plain French, and axe finds nothing', async () => {
      const { page } = tab;
      await page.goto(`${base}/sessions/new`);
      await expectNoAxeViolations(page, 'new session');
      await page.getByLabel('Projet').selectOption(project.id);
      await page.getByLabel('Titre').fill(`Atelier ${tag}`);
      await page.getByLabel('Date').fill('2026-10-25');
      await page.getByLabel('Heure de début').fill('14:00');
      await page.getByLabel('Heure de fin').fill('17:00');
      await page.getByLabel('Nombre de places').fill('12');
      await page.getByRole('button', { name: 'Créer la session' }).click();
      await page.waitForURL(/\/sessions\/[0-9a-f-]{36}$/);
      sessionUrl = page.url();
      expect(await page.locator('main').textContent()).to.include('dimanche 25 octobre 2026, de 14 h 00 à 17 h 00');
      await expectNoAxeViolations(page, 'session detail');
    });

    it('when a venue is booked and the booking confirmed from the session page, then the page names the venue as confirmed', async () => {
      const { page } = tab;
      await page.getByLabel('Lieu à réserver').selectOption(venue.id);
      await page.getByRole('button', { name: 'Réserver ce lieu' }).click();
      await page.getByRole('button', { name: 'Confirmer la réservation' }).click();
      await page.waitForSelector('text=La réservation est confirmée.');
      expect(await page.locator('main').textContent())
        .to.include(venue.name)
        .and.include('confirmée');
    });

    it('when three people are invited, then each gets the channel they chose (two e-mails, one letter) and a need the venue does not meet is named', async () => {
      const { page } = tab;
      await page.getByRole('link', { name: 'Inviter des participants' }).click();
      await page.getByLabel('Nom ou référence').fill(tag);
      await page.getByRole('button', { name: 'Filtrer' }).click();
      await expectNoAxeViolations(page, 'invitation selection');
      for (const name of ['Aubry', 'Nguyễn', 'Morel'])
        await page.getByRole('checkbox', { name: new RegExp(`${tag}${name}`) }).check();
      await page.getByRole('button', { name: 'Envoyer les invitations' }).click();
      await page.waitForSelector('h1:has-text("Invitations envoyées")');
      const result = await page.locator('main').textContent();
      expect(result).to.include('3 invitation(s) : 2 par e-mail, 1 par courrier');
      expect(result).to.include(`Rose ${tag}Aubry a besoin d’un accès sans marche`);
      await expectNoAxeViolations(page, 'invitations sent');
    });

    it('when attendance is taken with a walk-in found by name, then the attended count, the walk-in and the excused person are recorded, and the session can be marked held', async () => {
      const { page } = tab;
      await page.goto(`${sessionUrl}/attendance`);
      await page.getByLabel('Nom ou référence').fill(`${tag}Walkin`);
      await page.getByRole('button', { name: 'Chercher' }).click();
      await expectNoAxeViolations(page, 'attendance');
      for (const name of ['Walkin Léa', 'Aubry Rose', 'Nguyễn Ánh'])
        await page
          .getByRole('group', { name: `Présence de ${tag}${name}` })
          .getByLabel('Présent·e', { exact: true })
          .check();
      await page
        .getByRole('group', { name: `Présence de ${tag}Morel Paul` })
        .getByLabel('Absent·e excusé·e')
        .check();
      await page.getByRole('button', { name: 'Enregistrer les présences' }).click();
      await page.waitForURL(sessionUrl);
      const detail = await page.locator('main').textContent();
      expect(detail).to.include('Présences enregistrées : 3 présent(s).').and.include('(sans invitation)');
      await page.getByRole('button', { name: 'Marquer la session comme tenue' }).click();
      await page.waitForSelector('text=La session est marquée comme tenue.');
      const sessionId = sessionUrl.split('/').pop();
      const rows = await ctx()
        .deps.db('session_participants')
        .where({ session_id: sessionId })
        .select('participant_id', 'status', 'walk_in');
      expect(rows.find((r) => r.participant_id === wheelchair.id)?.status).to.equal('attended');
      expect(rows.filter((r) => r.walk_in)).to.have.length(1);
    });

    it('when people are invited, then the invitations wait in the outbox, one per person', async () => {
      const sessionId = sessionUrl.split('/').pop();
      // Real outbox messages: taken out of the queue so that they do not reach other tests' workers.
      expect(
        await ctx()
          .deps.db('outbox_messages')
          .where({ related_id: sessionId, status: 'pending' })
          .update({ status: 'delivered', delivered_at: new Date() }),
      ).to.equal(3);
    });

    it('when staff open the session, project and venue pages, then axe finds nothing on any of them', async () => {
      const { page } = tab;
      for (const path of [
        '/sessions',
        '/projects',
        `/projects/${project.id}`,
        `/projects/${project.id}/dashboard`,
        `/projects/${project.id}/edit`,
        '/projects/new',
        '/venues',
        '/venues/new',
        '/venues/import',
        `/venues/${venue.id}`,
      ]) {
        await page.goto(`${base}${path}`);
        await expectNoAxeViolations(page, path);
      }
    });
  });
});
