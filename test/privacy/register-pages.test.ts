import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { pdfText } from '../helpers/documents.js';
import type { Client } from '../helpers/client.js';
import { atClock, waitForJob } from './helpers.js';

async function download(client: Client, path: string) {
  const r = await fetch(`${ctx().baseUrl}${path}`, {
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return { status: r.status, type: r.headers.get('content-type'), bytes: Buffer.from(await r.arrayBuffer()) };
}

describe('processing register (GDPR art. 30)', () => {
  it('when the DPO reads the register, then it is built from the registry and settings, as JSON, CSV and PDF, each export audited', async () => {
    const dpo = await signedIn('dpo');
    const before = Number(
      (await ctx().deps.db('audit_events').where({ action: 'privacy.register_exported' }).count({ n: '*' }))[0].n,
    );
    const json = await dpo.get('/api/privacy/register');
    expect(json.status).to.equal(200);
    expect(json.body.controller.name).to.be.a('string').and.not.empty;
    const needs = json.body.activities.find((a: { purpose: string }) => a.purpose === 'needs');
    expect(needs.categories[0]).to.include({ category: 'special_category_health', specialCategory: true });
    expect(needs.categories[0].columns).to.include.members(['participants.needs', 'participants.needs_note']);
    expect(needs.legalBases.map((b: { code: string }) => b.code)).to.deep.equal(['explicit_consent']);
    const reimbursement = json.body.activities.find((a: { purpose: string }) => a.purpose === 'reimbursement');
    expect(reimbursement.recipients.join(' ')).to.include('Comptable public');
    expect(reimbursement.categories.find((c: { category: string }) => c.category === 'bank').retention[0]).to.include(
      '10 ans après le dernier paiement',
    );
    expect(json.body.consentPurposes.map((p: { code: string }) => p.code)).to.include.members([
      'contact',
      'needs',
      'bank_details',
    ]);
    expect(json.body.securityMeasures.join(' ')).to.include('AES-256-GCM');

    const csv = await download(dpo, '/api/privacy/register?format=csv');
    expect(csv.type).to.include('text/csv');
    const text = csv.bytes.toString('utf8');
    expect(text.startsWith('\uFEFFTraitement;Finalité;Base légale;')).to.equal(true);
    expect(text).to.include('Adaptation des ateliers aux besoins des personnes');

    const pdf = await download(dpo, '/api/privacy/register?format=pdf');
    expect(pdf.type).to.equal('application/pdf');
    const pdfContent = pdfText(pdf.bytes).replace(/\s+/g, ' ');
    expect(pdfContent)
      .to.include('Registre des activités de traitement')
      .and.include('Mesures de sécurité')
      .and.include(json.body.controller.name);

    const events = await ctx()
      .deps.db('audit_events')
      .where({ action: 'privacy.register_exported' })
      .orderBy('id')
      .select('data');
    expect(events.slice(before).map((e) => e.data.format)).to.deep.equal(['json', 'csv', 'pdf']);
    expect((await (await signedIn('staff')).get('/api/privacy/register')).status).to.equal(403);
  });
});

describe('privacy pages', () => {
  it('when the DPO opens the dashboard, then coming archivings, runs, open requests (overdue marked) and exports show', async () => {
    const dpo = await signedIn('dpo');
    const person = await createParticipant();
    const received = new Date(Date.now() - 40 * 86400_000).toISOString().slice(0, 10);
    const request = await dpo.post('/api/privacy/requests', {
      participantId: person.id,
      kind: 'access',
      receivedOn: received,
      channel: 'mail',
    });
    await dpo.get(`/api/participants/${person.id}/export`);
    const page = await dpo.get('/privacy');
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.include('Archivages à venir')
      .and.include('Derniers passages')
      .and.include('Demandes en cours');
    expect(page.text).to.include(request.body.reference).and.include('en retard');
    expect(page.text).to.include('Export des données d’une personne').and.include(person.reference);
    expect((await (await signedIn('staff')).get('/privacy')).status).to.equal(403);
    expect((await (await signedIn('admin')).get('/privacy')).status).to.equal(200);
  });

  it('when the DPO starts a run from the page, then the run page refreshes while it runs and shows the counts when done', async () => {
    const dpo = await signedIn('dpo');
    const preview = await dpo.get('/privacy/retention');
    expect(preview.text).to.include('Simuler (ne modifie rien)');
    expect((await dpo.get('/privacy/retention?confirm=apply')).text).to.include('Confirmer et appliquer');
    // A past date where nobody is due: the apply run changes nothing in the shared database.
    await atClock(new Date('1970-06-01T00:00:00Z'), async () => {
      const started = await dpo.postForm('/privacy/retention/runs', { mode: 'apply' });
      expect(started.status).to.equal(303);
      const id = started.headers.get('location')!.split('/').pop()!;
      await waitForJob(dpo, id);
      const done = await dpo.get(`/privacy/retention/runs/${id}`);
      expect(done.text).to.include('Ce que le passage a fait').and.not.include('http-equiv="refresh"');
    });
    const [running] = await ctx()
      .deps.db('jobs')
      .insert({
        kind: 'retention',
        status: 'running',
        params: JSON.stringify({ mode: 'dry_run', trigger: 'cli' }),
        progress: 10,
        total: 40,
        heartbeat_at: new Date(),
        started_at: new Date(),
      })
      .returning('id');
    const progress = await dpo.get(`/privacy/retention/runs/${running.id}`);
    expect(progress.text).to.include('<meta http-equiv="refresh" content="3">').and.include('25 %');
    expect((await dpo.get(`/privacy/retention/runs/${running.id}?refresh=off`)).text).to.not.include(
      'http-equiv="refresh"',
    );
    await ctx()
      .deps.db('jobs')
      .where({ id: running.id })
      .update({ status: 'failed', error_code: 'test', finished_at: new Date() });
    expect((await dpo.postForm('/privacy/retention/runs', { mode: 'everything' })).status).to.equal(400);
  });

  it('when the DPO uses the participant privacy page, then a request is recorded and the person erased after confirmation', async () => {
    const dpo = await signedIn('dpo');
    const person = await createParticipant();
    const page = await dpo.get(`/participants/${person.id}/privacy`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include(person.reference).and.include('Effacer les données');
    const bad = await dpo.postForm(`/participants/${person.id}/privacy/requests`, {
      kind: 'erasure',
      channel: 'mail',
      receivedOn: '2026-02-31',
      note: '',
    });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('Le formulaire contient des erreurs');
    const today = new Date().toISOString().slice(0, 10);
    expect(
      (
        await dpo.postForm(`/participants/${person.id}/privacy/requests`, {
          kind: 'erasure',
          channel: 'mail',
          receivedOn: today,
          note: 'Par lettre',
        })
      ).status,
    ).to.equal(303);
    const request = await ctx().deps.db('privacy_requests').where({ participant_id: person.id }).first();
    const confirm = await dpo.get(`/participants/${person.id}/privacy?confirm=erase`);
    expect(confirm.text).to.include('Confirmer l’effacement').and.include(request.reference);
    const erased = await dpo.postForm(`/participants/${person.id}/privacy/erase`, {
      reasonCode: 'erasure_request',
      requestId: request.id,
    });
    expect(erased.status).to.equal(303);
    expect((await ctx().deps.db('participants').where({ id: person.id }).first()).status).to.equal('anonymised');
    expect((await ctx().deps.db('privacy_requests').where({ id: request.id }).first()).status).to.equal('completed');
    expect((await (await signedIn('staff')).get(`/participants/${person.id}/privacy`)).status).to.equal(403);
  });
});
