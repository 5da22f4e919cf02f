import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn, createParticipant } from '../helpers/factories.js';
import { today, auditActions } from './helpers.js';

describe('consents: purposes catalogue', () => {
  it('when any signed-in user reads the catalogue, then the seeded purposes come in order with their legal basis', async () => {
    const auditor = await signedIn('auditor');
    const r = await auditor.get('/api/consent-purposes');
    expect(r.status).to.equal(200);
    expect(r.body.items.map((p: { code: string }) => p.code)).to.include.ordered.members([
      'contact',
      'bank_details',
      'needs',
      'profile',
    ]);
    expect(r.body.items.find((p: { code: string }) => p.code === 'needs')).to.include({
      specialCategory: true,
      legalBasis: 'consent',
    });
  });

  it('when the DPO edits the text, then the version goes up and new consents carry it; a label-only edit keeps it; staff are refused', async () => {
    const dpo = await signedIn('dpo');
    const before = (await dpo.get('/api/consent-purposes')).body.items.find(
      (p: { code: string }) => p.code === 'media',
    );
    const label = await dpo.patch('/api/consent-purposes/media', { label: before.label, validityMonths: 12 });
    expect(label.status).to.equal(200);
    expect(label.body).to.include({ textVersion: before.textVersion, validityMonths: 12 });
    const text = await dpo.patch('/api/consent-purposes/media', {
      text: `${before.text} Les photos ne sont jamais publiées sans votre accord.`,
    });
    expect(text.body.textVersion).to.equal(before.textVersion + 1);
    expect(await auditActions('media')).to.include('consent_purpose.updated');
    const participant = await createParticipant();
    const consent = await dpo.post(`/api/participants/${participant.id}/consents`, {
      purposeCode: 'media',
      channel: 'paper',
      givenOn: today(),
    });
    expect(consent.body.consent.textVersion).to.equal(before.textVersion + 1);
    const same = await dpo.patch('/api/consent-purposes/media', { text: text.body.text });
    expect(same.body.textVersion).to.equal(before.textVersion + 1); // unchanged text, same version
    await dpo.patch('/api/consent-purposes/media', { validityMonths: before.validityMonths });

    const staff = await signedIn('staff');
    expect((await staff.patch('/api/consent-purposes/media', { label: 'x' })).status).to.equal(403);
    expect((await dpo.patch('/api/consent-purposes/nothing_here', { label: 'x' })).status).to.equal(404);
    expect((await dpo.patch('/api/consent-purposes/media', { label: '   ' })).status).to.equal(400);
    const admin = await signedIn('admin');
    expect((await admin.patch('/api/consent-purposes/media', { specialCategory: false })).status).to.equal(200);
  });

  it('when an admin or the DPO uses the catalogue pages, then the purpose is edited from the form; the admin index links to it', async () => {
    const dpo = await signedIn('dpo');
    const index = await dpo.get('/admin');
    expect(index.text).to.include('/admin/consent-purposes');
    const list = await dpo.get('/admin/consent-purposes');
    expect(list.status).to.equal(200);
    expect(list.text).to.include('Vous proposer d’autres projets');
    const row = await ctx().deps.db('consent_purposes').where({ code: 'future_solicitation' }).first();
    const form = {
      label: row.label,
      text: row.text,
      legalBasis: row.legal_basis,
      validityMonths: String(row.validity_months),
      active: 'true',
    };
    const bad = await dpo.postForm('/admin/consent-purposes/future_solicitation', { ...form, validityMonths: 'douze' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('doit être un nombre entier de mois');
    const saved = await dpo.postForm('/admin/consent-purposes/future_solicitation', {
      ...form,
      text: `${row.text} Vous pouvez refuser.`,
    });
    expect(saved.status).to.equal(303);
    const after = await ctx().deps.db('consent_purposes').where({ code: 'future_solicitation' }).first();
    expect(after.text_version).to.equal(row.text_version + 1);
    expect(after.active).to.equal(true);
    const staff = await signedIn('staff');
    expect((await staff.get('/admin/consent-purposes')).status).to.equal(403);
  });
});
