import { expect } from 'chai';
import { signedIn } from '../helpers/factories.js';
import { approvedClaim, attendee, exportedBatch, payingSetup } from './helpers.js';
import { ctx } from '../helpers/context.js';

describe('payments: pages', () => {
  it('when finance cancels an open batch from its confirmation page, then the claims are free again; an auditor sees batches without actions or files', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const c = await approvedClaim(s, a.id);
    const built = await s.finance.postForm('/payments/new', { claimIds: [c.id], kind: 'transfer', action: 'create' });
    expect(built.status).to.equal(303);
    const url = built.headers.get('location')!;
    const confirm = await s.finance.get(`${url}/cancel`);
    expect(confirm.status).to.equal(200);
    expect(confirm.text).to.include('Oui, annuler le lot');
    const done = await s.finance.postForm(`${url}/cancel`, {});
    expect(done.status).to.equal(303);
    expect((await ctx().deps.db('claims').where({ id: c.id }).first('status')).status).to.equal('approved');
    const exported = await exportedBatch(s, [c.id]);
    const auditor = await signedIn('auditor');
    const page = await auditor.get(`/payments/${exported.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include(exported.reference).and.not.include('sepa.xml').and.not.include('Marquer le lot payé');
    expect((await auditor.get('/payments')).text).to.include(exported.reference);
    expect((await auditor.get('/payments/new')).status).to.equal(403);
    const refused = await s.finance.postForm(`/payments/${exported.id}/cancel`, {});
    expect(refused.status).to.equal(303);
    expect((await s.finance.get(`/payments/${exported.id}`)).text).to.include('Annulez-le avec un motif');
  });

  it('when the builder recomputes the total, then the chosen claims stay ticked and the total shows', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const c = await approvedClaim(s, a.id);
    const r = await s.finance.postForm('/payments/new', { claimIds: [c.id], projectId: s.project.id, action: 'total' });
    expect(r.status).to.equal(200);
    expect(r.text).to.include('1 demande(s), 1 bénéficiaire(s), 13,44');
    const batch = await exportedBatch(s, [c.id]);
    await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {});
    const claimPage = await s.finance.get(`/claims/${c.id}`);
    expect(claimPage.text).to.include('payé le').and.include(`href="/payments/${batch.id}"`);
    expect((await s.staff.get(`/claims/${c.id}`)).text).to.include(batch.reference).and.not.include(`href="/payments/${batch.id}"`);
  });
});
