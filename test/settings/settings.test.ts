import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';

describe('organisation settings', () => {
  it('when an admin reads the settings, then the defaults follow the CNIL retention referential', async () => {
    const admin = await signedIn('admin');
    const r = await admin.get('/api/settings');
    expect(r.status).to.equal(200);
    expect(r.body.settings.timeZone).to.equal('Europe/Paris');
    expect(r.body.settings.retention).to.deep.equal({
      activeYearsAfterLastContact: 2,
      archiveYearsAfterLastPayment: 10,
      dailyRun: true,
    });
  });

  it('when some fields change, then nested objects merge and the audit names the fields, not the values', async () => {
    const admin = await signedIn('admin');
    const before = await admin.get('/api/settings');
    const r = await admin.patch('/api/settings', {
      siret: '3560 0000 0000 01',
      address: { city: 'Crest' },
      debtor: { iban: 'fr14 2004 1010 0505 0001 3m02 606' },
    });
    expect(r.status).to.equal(200);
    expect(r.body.settings.siret).to.equal('35600000000001');
    expect(r.body.settings.debtor.iban).to.equal('FR1420041010050500013M02606');
    expect(r.body.settings.address.city).to.equal('Crest');
    expect(r.body.settings.address.postalCode).to.equal(before.body.settings.address.postalCode);
    expect(r.body.version).to.equal(before.body.version + 1);
    const event = await ctx()
      .deps.db('audit_events')
      .where({ action: 'settings.updated' })
      .orderBy('id', 'desc')
      .first();
    expect(event.actor_user_id).to.equal(admin.user.id);
    expect(event.data.fields).to.include.members(['siret', 'address.city', 'debtor.iban']);
    expect(JSON.stringify(event)).to.not.include('FR14').and.not.include('Crest');
  });

  it('when the same values are sent again, then nothing is written and no audit event is added', async () => {
    const admin = await signedIn('admin');
    const current = await admin.get('/api/settings');
    const count = async () =>
      Number((await ctx().deps.db('audit_events').where({ action: 'settings.updated' }).count({ n: '*' }))[0].n);
    const before = await count();
    const r = await admin.patch('/api/settings', { name: current.body.settings.name });
    expect(r.body.version).to.equal(current.body.version);
    expect(await count()).to.equal(before);
  });

  for (const [body, field] of [
    [{ siret: '22260001700009' }, 'siret'],
    [{ debtor: { iban: 'FR7630006000011234567890188' } }, 'debtor.iban'],
    [{ timeZone: 'Europe/Valence' }, 'timeZone'],
    [{ retention: { activeYearsAfterLastContact: 0 } }, 'retention.activeYearsAfterLastContact'],
    [{ dpo: { email: 'dpo@' } }, 'dpo.email'],
    [{ payerMode: 'cash' }, 'payerMode'],
    [{ accountingCodes: { mileage: { nature: 'abc' } } }, 'accountingCodes.mileage.nature'],
  ] as const) {
    it(`when ${field} is invalid, then 400 names ${field} and nothing changes`, async () => {
      const admin = await signedIn('admin');
      const before = await admin.get('/api/settings');
      const r = await admin.patch('/api/settings', body);
      expect(r.status).to.equal(400);
      expect(r.body.error.details.map((d: { field: string }) => d.field)).to.include(field);
      expect((await admin.get('/api/settings')).body).to.deep.equal(before.body);
    });
  }

  it('when the settings form is saved, then amounts typed in euros become cents; a wrong SIRET shows its message', async () => {
    const admin = await signedIn('admin');
    const page = await admin.get('/admin/settings');
    expect(page.status).to.equal(200);
    const form: Record<string, string> = {};
    for (const m of page.text.matchAll(/<input id="f-[^"]+" name="([^"]+)"[^>]*value="([^"]*)"/g))
      form[m[1]] = m[2].replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    for (const m of page.text.matchAll(/<select id="f-[^"]+" name="([^"]+)"[\s\S]*?<option value="([^"]*)" selected/g))
      form[m[1]] = m[2];
    const bad = await admin.postForm('/admin/settings', { ...form, siret: '123' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('doit être un numéro SIRET valide');
    const ok = await admin.postForm('/admin/settings', { ...form, 'thresholds.receiptRequiredAboveCents': '12,50' });
    expect(ok.status).to.equal(303);
    expect((await admin.get('/api/settings')).body.settings.thresholds.receiptRequiredAboveCents).to.equal(1250);
  });
});
