import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn, createPartner, uniqueEmail } from '../helpers/factories.js';
import { giveConsent, newPerson, tag } from './support.js';

describe('participants: pages', () => {
  it('when staff fill the form, then French messages appear beside wrong fields and a valid form creates the record', async () => {
    const staff = await signedIn('staff');
    const t = tag();
    const bad = await staff.postForm('/participants', {
      lastName: `Forme${t}`,
      firstName: 'Rémi',
      email: 'faux',
      phone: '12',
      postalCode: '26000',
      communeName: 'Lyon',
    });
    expect(bad.status).to.equal(400);
    expect(bad.text)
      .to.include('Le formulaire contient des erreurs')
      .and.include('doit être une adresse e-mail valide')
      .and.include('doit être un numéro de téléphone français')
      .and.include('commune introuvable pour le code postal 26000');
    expect(bad.text).to.include(`value="Forme${t}"`);
    const none = await staff.postForm('/participants', { lastName: `Forme${t}`, firstName: 'Rémi' });
    expect(none.text).to.include('indiquez au moins un moyen de joindre la personne');
    const minor = await staff.postForm('/participants', {
      lastName: `Forme${t}`,
      firstName: 'Rémi',
      email: uniqueEmail('f'),
      isMinor: 'on',
    });
    expect(minor.text).to.include('obligatoire pour une personne mineure');
    const ok = await staff.postForm('/participants', {
      lastName: `Forme${t}`,
      firstName: 'Rémi',
      phone: '06 39 98 05 01',
      postalCode: '26100',
      communeName: 'romans sur isère',
      civility: 'm',
    });
    expect(ok.status).to.equal(303);
    const row = await ctx()
      .deps.db('participants')
      .where({ last_name: `Forme${t}` })
      .first();
    expect(row).to.include({
      commune_insee: '26281',
      commune_name: 'Romans-sur-Isère',
      phone: '06 39 98 05 01',
      preferred_channel: 'phone',
      civility: 'm',
    });
    expect(ok.headers.get('location')).to.equal(`/participants/${row.id}`);
    const detail = await staff.get(`/participants/${row.id}`);
    expect(detail.text)
      .to.include(`La fiche ${row.reference} a été créée.`)
      .and.include('aria-current="page">Fiche</a>')
      .and.include('Historique')
      .and.include('Fiche créée');
  });

  it('when the form holds a likely duplicate, then the page warns with links, and "Créer quand même" needs a reason', async () => {
    const staff = await signedIn('staff');
    const first = (await staff.post('/api/participants', newPerson())).body;
    const form = { lastName: `Autre${tag()}`, firstName: 'Sam', email: first.email };
    const warned = await staff.postForm('/participants', form);
    expect(warned.status).to.equal(409);
    expect(warned.text)
      .to.include('Une fiche existe peut-être déjà')
      .and.include(`href="/participants/${first.id}"`)
      .and.include('même adresse e-mail')
      .and.include('Créer quand même');
    const noReason = await staff.postForm('/participants', { ...form, action: 'override', overrideReason: '' });
    expect(noReason.status).to.equal(409);
    expect(noReason.text).to.include('Pourquoi s’agit-il d’une autre personne').and.include('error-message');
    const forced = await staff.postForm('/participants', {
      ...form,
      action: 'override',
      overrideReason: 'Adresse familiale partagée',
    });
    expect(forced.status).to.equal(303);
  });

  it('when the edit form is opened, then needs and profile appear only under a live consent, and saving changes the record', async () => {
    const staff = await signedIn('staff');
    const p = (await staff.post('/api/participants', newPerson())).body;
    const without = await staff.get(`/participants/${p.id}/edit`);
    expect(without.text).to.include('Besoins : pas de consentement en cours');
    expect(without.text).to.not.include('name="needs"');
    await giveConsent(p.id, 'needs');
    const withConsent = await staff.get(`/participants/${p.id}/edit`);
    expect(withConsent.text).to.include('name="needs"').and.not.include('name="profileAgeBand"');
    const saved = await staff.postForm(`/participants/${p.id}`, {
      lastName: p.lastName,
      firstName: 'Amina',
      email: p.email,
      postalCode: '26000',
      communeName: 'Valence',
      needs: ['childcare', 'large_print'],
      needsNote: 'Deux enfants',
    });
    expect(saved.status).to.equal(303);
    const row = await ctx().deps.db('participants').where({ id: p.id }).first();
    expect(row.needs).to.deep.equal(['childcare', 'large_print']);
    const cleared = await staff.postForm(`/participants/${p.id}`, {
      lastName: p.lastName,
      firstName: 'Amina',
      email: '',
      postalCode: '26000',
      communeName: 'Valence',
    });
    expect(cleared.status).to.equal(400);
    expect(cleared.text).to.include('indiquez au moins un moyen de joindre la personne');
  });

  it('when the list and detail are read by an auditor, then no contact details or needs appear', async () => {
    const staff = await signedIn('staff');
    const p = (await staff.post('/api/participants', newPerson({ phone: '06 39 98 05 02' }))).body;
    await giveConsent(p.id, 'needs');
    await staff.patch(`/api/participants/${p.id}`, { needs: ['sign_language'] });
    const auditor = await signedIn('auditor');
    const list = await auditor.get(`/participants?q=${p.reference}`);
    expect(list.status).to.equal(200);
    expect(list.text).to.include(p.reference).and.not.include(p.lastName).and.not.include(p.email);
    const detail = await auditor.get(`/participants/${p.id}`);
    expect(detail.text)
      .to.include(p.reference)
      .and.include('Valence')
      .and.not.include(p.email)
      .and.not.include('06 39 98 05 02')
      .and.not.include('langue des signes')
      .and.not.include('Historique');
    const lead = await signedIn('project_lead');
    expect((await lead.get(`/participants/${p.id}`)).text).to.include('Interprète en langue des signes');
  });

  it('when the list is empty for a search, then the page says so; filters keep their values', async () => {
    const staff = await signedIn('staff');
    const partner = await createPartner();
    const r = await staff.get(
      `/participants?q=personne-introuvable&partnerId=${partner.id}&hasNeeds=&status=&sort=-createdAt`,
    );
    expect(r.status).to.equal(200);
    expect(r.text)
      .to.include('Aucun participant ne correspond à cette recherche')
      .and.include('value="personne-introuvable"');
    expect((await staff.get('/participants?partnerId=pas-un-id')).status).to.equal(400);
  });
});
