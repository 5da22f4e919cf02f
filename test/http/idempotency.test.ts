import { expect } from 'chai';
import { Client } from '../helpers/client.js';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { createProject } from '../helpers/logistics.js';
import { SAMPLE_FILES } from '../helpers/documents.js';
import { declaredRoutes } from '../helpers/routes.js';
import { moneyCounts } from '../helpers/money-walk.js';
import { fundedGrant } from '../grants/helpers.js';

describe('idempotent money-creating POSTs', () => {
  it('when POST /api/expenses is sent twice with the same invoice and the same Idempotency-Key, then one expense; the second answer is the first, replayed', async () => {
    const finance = await signedIn('finance');
    const project = await createProject();
    await fundedGrant(finance, project.id, { catering: 100_000 });
    const fields = {
      projectId: project.id,
      category: 'catering',
      amountCents: '4200',
      incurredOn: '2026-04-02',
      invoiceNumber: 'F-IDEM-1',
    };
    const file = {
      field: 'file',
      name: 'facture.pdf',
      bytes: Buffer.concat([SAMPLE_FILES.pdf, Buffer.from(`% ${project.id}`)]),
      type: 'application/pdf',
    };
    const send = (key: string, f = fields, bytes = file.bytes) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(f)) form.append(k, v);
      form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), 'facture.pdf');
      return finance.request('POST', '/api/expenses', {
        multipart: form,
        headers: { 'idempotency-key': key, 'x-csrf-token': finance.csrfToken ?? '' },
      });
    };
    const before = await moneyCounts();
    const first = await send('invoice-F-IDEM-1');
    expect(first.status, first.text).to.equal(201);
    const again = await send('invoice-F-IDEM-1');
    expect(again.status).to.equal(201);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(again.body).to.deep.equal(first.body);
    const expenses = await ctx()
      .deps.db('expenses')
      .where({ project_id: project.id, invoice_number: 'F-IDEM-1' })
      .count({ n: '*' });
    expect(Number(expenses[0].n)).to.equal(1);
    expect((await moneyCounts()).expenses).to.equal(before.expenses + 1);

    // The same key with another body, or another file: 422, nothing written.
    const other = await send('invoice-F-IDEM-1', { ...fields, amountCents: '4300' });
    expect(other.status).to.equal(422);
    expect(other.body.error.code).to.equal('idempotency_key_reused');
    const otherFile = await send('invoice-F-IDEM-1', fields, Buffer.concat([file.bytes, Buffer.from('% autre')]));
    expect(otherFile.status).to.equal(422);
    expect((await moneyCounts()).expenses).to.equal(before.expenses + 1);
    // A key is visible ASCII, 200 characters at most: otherwise 400 naming the header.
    const bad = await send('x'.repeat(201));
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('Idempotency-Key');
  });

  it('when the same key is sent by two users or to two routes, then each is its own request', async () => {
    const a = await signedIn('finance');
    const b = await signedIn('finance');
    const project = await createProject();
    const body = (funder: string) => ({
      funder,
      programme: 'Pacte',
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      totalCents: 100_000,
      cofundingRateBp: 5000,
      eligibleCategories: ['catering'],
      ceilings: [],
      projects: [{ projectId: project.id, shareBp: 1000 }],
    });
    const r1 = await a.request('POST', '/api/grants', {
      json: body('A'),
      headers: { 'idempotency-key': 'shared-key' },
    });
    const r2 = await b.request('POST', '/api/grants', {
      json: body('B'),
      headers: { 'idempotency-key': 'shared-key' },
    });
    expect([r1.status, r2.status], r1.text + r2.text).to.deep.equal([201, 201]);
    expect(r2.body.id).to.not.equal(r1.body.id);
    // The same user, the same key, another route: not a replay of the grant.
    const line = await a.request('POST', `/api/grants/${r1.body.id}/budget-lines`, {
      json: { category: 'catering', year: 2026, amountCents: 1000 },
      headers: { 'idempotency-key': 'shared-key' },
    });
    expect(line.status, line.text).to.equal(201);
    expect(line.headers.get('idempotent-replayed')).to.equal(null);
  });

  it('when the OpenAPI document is read, then every idempotent route declares the Idempotency-Key header and its 422, and no other route does', async () => {
    const doc = (await new Client().get('/api/openapi.json')).body;
    const api = declaredRoutes().filter((r) => r.kind !== 'page' && r.path.startsWith('/api/'));
    const flagged = api.filter((r) => r.idempotent === true).map((r) => `${r.method} ${r.path}`);
    expect(flagged).to.include.members([
      'post /api/expenses',
      'post /api/claims',
      'post /api/payment-batches',
      'post /api/grants/:id/drawdowns',
      'post /api/claims/:id/settle',
      'post /api/claims/:id/decision',
      'post /api/bookings/:id/confirm',
    ]);
    for (const r of api) {
      const op = doc.paths[r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')][r.method];
      const header = (op.parameters as { name: string; in: string }[]).find(
        (p) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
      expect(!!header, `${r.method} ${r.path}`).to.equal(r.idempotent === true);
      expect(!!op.responses['422'], `${r.method} ${r.path}`).to.equal(r.idempotent === true || !!r.responses?.[422]);
    }
  });

  it('when a route is declared idempotent, then it is a POST behind a sign-in (a key is remembered per user)', () => {
    for (const r of declaredRoutes().filter((x) => x.idempotent)) {
      expect(r.method, r.path).to.equal('post');
      expect('public' in r.access, r.path).to.equal(false);
    }
  });
});
