import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { rowCounts } from '../helpers/routes.js';
import { tag } from '../participants/support.js';

describe('partners (structures relais)', () => {
  it('when staff create a partner, then the commune is resolved, the phone normalised, the name unique whatever the case, and the creation audited', async () => {
    const staff = await signedIn('staff');
    const name = `Restos du Cœur ${tag()}`;
    const r = await staff.post('/api/partners', {
      name,
      kind: 'association',
      contactName: 'Paule Test',
      phone: '0465710199',
      postalCode: '26400',
      communeInsee: '26108',
    });
    expect(r.status).to.equal(201);
    expect(r.body).to.include({
      name,
      communeName: 'Crest',
      phone: '04 65 71 01 99',
      active: true,
      participantCount: 0,
    });
    const dup = await staff.post('/api/partners', { name: name.toUpperCase() });
    expect(dup.status).to.equal(409);
    expect(dup.body.error.code).to.equal('partner_name_taken');
    const events = await ctx().deps.db('audit_events').where({ record_id: r.body.id }).select('action', 'data');
    expect(events.map((e) => e.action)).to.deep.equal(['partner.created']);
    expect(JSON.stringify(events)).to.not.include('Paule');
  });

  it('when the input is wrong, then 400 names the fields and nothing is written', async () => {
    const staff = await signedIn('admin');
    const before = await rowCounts(['web_sessions']);
    const r = await staff.post('/api/partners', {
      name: 'X',
      email: 'faux',
      phone: 'abc',
      postalCode: '123',
      communeInsee: '99999',
    });
    expect(r.status).to.equal(400);
    expect(r.body.error.details.map((d: { field: string }) => d.field)).to.include.members(['email']);
    // A blank name is refused by the schema (shared text rule), before the business checks.
    const r2 = await staff.post('/api/partners', { name: ' ', phone: 'abc', postalCode: '123', communeInsee: '99999' });
    expect(r2.body.error.details).to.deep.equal([
      { field: 'name', message: 'ne doit pas être vide ni ne contenir que des espaces' },
    ]);
    const r3 = await staff.post('/api/partners', { name: 'Y', phone: 'abc', postalCode: '123', communeInsee: '99999' });
    expect(r3.body.error.details.map((d: { field: string }) => d.field)).to.have.members([
      'phone',
      'postalCode',
      'communeInsee',
    ]);
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });

  it('when partners are listed, then search, active filter, sort and pages work; readers see them, the auditor without contact details', async () => {
    const staff = await signedIn('staff');
    const t = tag();
    const ids: Record<string, string> = {};
    for (const n of ['Béta', 'Alpha', 'Gamma'])
      ids[n] = (await staff.post('/api/partners', { name: `${n} ${t}`, contactName: 'Contact Test' })).body.id;
    await staff.patch(`/api/partners/${ids.Gamma}`, { active: false });
    const names = (r: { body: { items: { name: string }[] } }) => r.body.items.map((p) => p.name.replace(` ${t}`, ''));
    const first = await staff.get(`/api/partners?q=${t}&limit=2`);
    expect(names(first)).to.deep.equal(['Alpha', 'Béta']);
    expect(names(await staff.get(`/api/partners?q=${t}&cursor=${first.body.nextCursor}&limit=2`))).to.deep.equal([
      'Gamma',
    ]);
    expect(names(await staff.get(`/api/partners?q=${t}&sort=-name`))).to.deep.equal(['Gamma', 'Béta', 'Alpha']);
    expect(names(await staff.get(`/api/partners?q=${t}&active=true&sort=createdAt`))).to.deep.equal(['Béta', 'Alpha']);
    expect(names(await staff.get(`/api/partners?q=${t}&active=false`))).to.deep.equal(['Gamma']);
    expect((await staff.get('/api/partners?sort=kind')).status).to.equal(400);
    for (const role of ['project_lead', 'finance', 'dpo', 'auditor'] as const) {
      const reader = await signedIn(role);
      const r = await reader.get(`/api/partners/${ids.Alpha}`);
      expect(r.status, role).to.equal(200);
      if (role === 'auditor') expect(r.body).to.not.have.property('contactName');
      else expect(r.body.contactName).to.equal('Contact Test');
      expect((await reader.post('/api/partners', { name: `Interdit ${t}` })).status, role).to.equal(403);
    }
  });

  it('when a partner is deactivated, then no new participant may be linked to it, existing links stay', async () => {
    const staff = await signedIn('staff');
    const partner = (await staff.post('/api/partners', { name: `Relais ${tag()}` })).body;
    const linked = await staff.post('/api/participants', {
      firstName: 'Léo',
      lastName: `Lien${tag()}`,
      partnerId: partner.id,
    });
    expect(linked.status).to.equal(201);
    const off = await staff.patch(`/api/partners/${partner.id}`, { active: false });
    expect(off.body).to.include({ active: false, participantCount: 1 });
    const refused = await staff.post('/api/participants', {
      firstName: 'Léo',
      lastName: `Lien${tag()}`,
      partnerId: partner.id,
    });
    expect(refused.status).to.equal(400);
    expect(refused.body.error.details[0]).to.deep.equal({
      field: 'partnerId',
      message: 'cette structure relais est désactivée',
    });
    expect((await staff.patch(`/api/participants/${linked.body.id}`, { firstName: 'Léon' })).status).to.equal(200);
    const events = await ctx().deps.db('audit_events').where({ record_id: partner.id }).orderBy('id').pluck('action');
    expect(events).to.deep.equal(['partner.created', 'partner.deactivated']);
  });

  it('when staff use the pages, then a partner is created, edited and deactivated after a confirmation', async () => {
    const staff = await signedIn('staff');
    const name = `Page ${tag()}`;
    const bad = await staff.postForm('/partners', { name: '', phone: 'x', postalCode: '26000', communeName: 'Die' });
    expect(bad.status).to.equal(400);
    expect(bad.text)
      .to.include('Le formulaire contient des erreurs')
      .and.include('doit être un numéro de téléphone français')
      .and.include('commune introuvable');
    const created = await staff.postForm('/partners', {
      name,
      kind: 'public_service',
      postalCode: '26110',
      communeName: 'Nyons',
    });
    expect(created.status).to.equal(303);
    const id = created.headers.get('location')!.split('/').pop()!;
    expect((await ctx().deps.db('partners').where({ id }).first()).commune_insee).to.equal('26220');
    const confirm = await staff.get(`/partners/${id}?confirm=deactivate`);
    expect(confirm.text).to.include('Désactiver la structure relais</button>');
    expect((await staff.postForm(`/partners/${id}`, { action: 'deactivate' })).status).to.equal(303);
    expect((await ctx().deps.db('partners').where({ id }).first()).active).to.equal(false);
    const list = await staff.get(`/partners?q=${encodeURIComponent(name)}&active=`);
    expect(list.text).to.include(name).and.include('désactivée');
    const reader = await signedIn('finance');
    const readOnly = await reader.get(`/partners/${id}`);
    expect(readOnly.status).to.equal(200);
    expect(readOnly.text).to.not.include('<form method="post" action="/partners');
  });
});
