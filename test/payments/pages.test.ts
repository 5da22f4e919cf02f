import { expect } from 'chai';
import { signedIn } from '../helpers/factories.js';
import { approvedClaim, attendee, exportedBatch, mileage, payingSetup } from './helpers.js';
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
    expect((await s.staff.get(`/claims/${c.id}`)).text)
      .to.include(batch.reference)
      .and.not.include(`href="/payments/${batch.id}"`);
  });

  it('when a person was paid, then their page lists their claims with status, batch, paid date and amounts, the yearly totals with the allowance warning, and the certificate links for those who hand them out', async () => {
    const s = await payingSetup();
    await ctx()
      .deps.db('projects')
      .where({ id: s.project.id })
      .update({ allowance_enabled: true, allowance_half_day_cents: 60000 });
    const a = await attendee(s, { firstName: 'Rose', lastName: 'Paiement' });
    const paid = await approvedClaim(s, a.id, [mileage(420), { kind: 'allowance' }]);
    const waiting = await approvedClaim(s, a.id, [mileage(100)]);
    const batch = await exportedBatch(s, [paid.id]);
    expect((await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {})).status).to.equal(200);
    const payment = batch.payments[0];
    const year = new Date().getUTCFullYear();
    const staffPage = await s.staff.get(`/participants/${a.id}`);
    expect(staffPage.status).to.equal(200);
    const text = staffPage.text;
    expect(text)
      .to.include('<h2 id="paiements">Paiements</h2>')
      .and.include(paid.reference)
      .and.include(waiting.reference)
      .and.include(batch.reference)
      .and.include('payé le');
    expect(text)
      .to.include('Payée')
      .and.include('Acceptée')
      .and.include('613,44')
      .and.include('600,00')
      .and.include('13,44');
    expect(text)
      .to.include(`/api/participants/${a.id}/certificates/${year}?kind=refund`)
      .and.include(`/api/participants/${a.id}/certificates/${year}?kind=allowance`);
    expect(text)
      .to.include(`/api/payments/${payment.id}/certificate.pdf?kind=refund`)
      .and.include(`/api/payments/${payment.id}/certificate.pdf?kind=allowance`);
    expect(text).to.include(`Indemnités de participation versées en ${year}`).and.include('au-delà du seuil de 500,00');
    expect(text).not.to.include(`href="/payments/${batch.id}"`);
    expect((await s.finance.get(`/participants/${a.id}`)).text).to.include(`href="/payments/${batch.id}"`);
    const auditorPage = (await (await signedIn('auditor')).get(`/participants/${a.id}`)).text;
    expect(auditorPage).to.include(paid.reference).and.include(`href="/payments/${batch.id}"`);
    expect(auditorPage).not.to.include('certificate.pdf');
    expect((await (await signedIn('admin')).get(`/participants/${a.id}`)).text).not.to.include('id="paiements"');
  });

  it('when finance records a bank rejection from the batch page after confirming, then the claim is free again, flagged; without a reason nothing happens', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const c = await approvedClaim(s, a.id);
    const batch = await exportedBatch(s, [c.id]);
    const payment = batch.payments[0];
    const detail = await s.finance.get(`/payments/${batch.id}`);
    expect(detail.text).to.include(`/payments/${batch.id}/payments/${payment.id}/reject`);
    const confirm = await s.finance.get(`/payments/${batch.id}/payments/${payment.id}/reject`);
    expect(confirm.status).to.equal(200);
    expect(confirm.text)
      .to.include('Oui, enregistrer le rejet')
      .and.include('Compte clôturé (AC04)')
      .and.include(payment.endToEndId);
    expect(
      (await s.finance.get(`/payments/${batch.id}/payments/00000000-0000-4000-8000-000000000000/reject`)).status,
    ).to.equal(404);
    const noReason = await s.finance.postForm(`/payments/${batch.id}/payments/${payment.id}/reject`, {
      reasonCode: '',
    });
    expect(noReason.status).to.equal(303);
    expect((await ctx().deps.db('payments').where({ id: payment.id }).first('status')).status).to.equal('pending');
    const done = await s.finance.postForm(`/payments/${batch.id}/payments/${payment.id}/reject`, {
      reasonCode: 'AC04',
    });
    expect(done.status).to.equal(303);
    expect(done.headers.get('location')).to.equal(`/payments/${batch.id}`);
    expect(
      await ctx().deps.db('payments').where({ id: payment.id }).first('status', 'rejected_reason_code'),
    ).to.deep.equal({ status: 'rejected', rejected_reason_code: 'AC04' });
    const claim = await ctx().deps.db('claims').where({ id: c.id }).first('status', 'flags');
    expect(claim.status).to.equal('approved');
    expect(claim.flags).to.include('payment_rejected');
    expect((await s.finance.get(`/payments/${batch.id}`)).text)
      .to.include('Compte clôturé')
      .and.not.include(`/payments/${payment.id}/reject`);
    expect(
      (await (await signedIn('auditor')).get(`/payments/${batch.id}/payments/${payment.id}/reject`)).status,
    ).to.equal(403);
  });

  it('when a batch holds more payments than a page, then its page shows 50 at a time in order, with the count from the batch and links to the next and first payments', async () => {
    const s = await payingSetup();
    const people = [];
    for (let i = 0; i < 6; i++)
      people.push(...(await Promise.all(Array.from({ length: 9 }, () => attendee(s, { iban: false })))));
    const claims = [];
    for (let i = 0; i < people.length; i += 9)
      claims.push(...(await Promise.all(people.slice(i, i + 9).map((p) => approvedClaim(s, p.id)))));
    const built = await s.finance.post('/api/payment-batches', { claimIds: claims.map((c) => c.id), kind: 'cash' });
    expect(built.status, built.text).to.equal(201);
    expect(built.body.payments).to.have.length(54);
    const first = await s.finance.get(`/payments/${built.body.id}`);
    expect(first.status).to.equal(200);
    const positions = (text: string) => [...text.matchAll(/<tr>\s*<td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(positions(first.text)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(first.text).to.include('n° 1 à 50 sur 54').and.include(`href="/payments/${built.body.id}?after=50"`);
    const next = await s.finance.get(`/payments/${built.body.id}?after=50`);
    expect(positions(next.text)).to.deep.equal([51, 52, 53, 54]);
    expect(next.text)
      .to.include('n° 51 à 54 sur 54')
      .and.include('Premiers paiements du lot')
      .and.not.include('Paiements suivants');
    const byPosition = new Map<number, { claims: { reference: string }[] }>(
      built.body.payments.map((p: { position: number; claims: { reference: string }[] }) => [p.position, p]),
    );
    expect(next.text).to.include(byPosition.get(53)!.claims[0].reference);
    expect((await s.finance.get(`/payments/${built.body.id}?after=oops`)).status).to.equal(200);
  });
});
