import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { pdfText } from '../helpers/documents.js';
import { approvedClaim, attendee, download, exportedBatch, mileage, payingSetup } from './helpers.js';

describe('payments: certificates', () => {
  it('when a participant was paid refunds and allowances, then the yearly certificates show them on separate documents, per calendar year', async () => {
    const s = await payingSetup();
    await ctx()
      .deps.db('projects')
      .where({ id: s.project.id })
      .update({ allowance_enabled: true, allowance_half_day_cents: 4302 });
    const a = await attendee(s, { firstName: 'Aurélie', lastName: 'Ağaoğlu' });
    const c1 = await approvedClaim(s, a.id, [mileage(420), { kind: 'allowance' }]);
    expect(c1.amountCents).to.equal(1344 + 4302);
    const c2 = await approvedClaim(s, a.id, [mileage(500)]);
    const batch = await exportedBatch(s, [c1.id]);
    expect((await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {})).status).to.equal(200);
    const later = await exportedBatch(s, [c2.id]);
    expect((await s.finance.post(`/api/payment-batches/${later.id}/mark-paid`, {})).status).to.equal(200);
    // The second payment was made the following year.
    await ctx()
      .deps.db('payments')
      .where({ batch_id: later.id })
      .update({ paid_at: new Date('2027-01-05T10:00:00Z') });
    const year = new Date().getUTCFullYear();
    const cert = async (y: number, kind: string) =>
      pdfText((await download(s.staff, `/api/participants/${a.id}/certificates/${y}?kind=${kind}`)).bytes);
    const refund = await cert(year, 'refund');
    expect(refund)
      .to.include('Attestation de remboursement de frais')
      .and.include('Aurélie Ağaoğlu')
      .and.include(c1.reference)
      .and.include('13,44')
      .and.not.include('43,02');
    expect(refund).to.include('Ce ne sont pas des revenus');
    const allowance = await cert(year, 'allowance');
    expect(allowance).to.include('indemnités de participation').and.include('43,02').and.not.include('13,44');
    const next = await cert(2027, 'refund');
    expect(next).to.include(c2.reference).and.include('16,00').and.not.include(c1.reference);
    expect(await cert(2027, 'allowance')).to.include('Aucune somme');
    const bad = await s.staff.get(`/api/participants/${a.id}/certificates/${year}?kind=both`);
    expect(bad.status).to.equal(400);
  });

  it('when a paid person’s duplicate record is merged into another, then the payments follow to the kept record and its certificate', async () => {
    const s = await payingSetup();
    const source = await attendee(s, { firstName: 'Marc', lastName: 'Doublon' });
    const kept = await attendee(s, { firstName: 'Marc', lastName: 'Doublon' });
    const c = await approvedClaim(s, source.id);
    const batch = await exportedBatch(s, [c.id]);
    expect((await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {})).status).to.equal(200);
    const merged = await s.staff.post(`/api/participants/${kept.id}/merge`, { sourceId: source.id });
    expect(merged.status, merged.text).to.equal(200);
    expect(
      (await ctx().deps.db('payments').where({ batch_id: batch.id }).first('participant_id')).participant_id,
    ).to.equal(kept.id);
    const year = new Date().getUTCFullYear();
    const text = pdfText(
      (await download(s.staff, `/api/participants/${kept.id}/certificates/${year}?kind=refund`)).bytes,
    );
    expect(text).to.include(c.reference);
  });

  it('when one payment holds a refund and an allowance, then its two certificates carry each amount on a separate document; a pending payment or a kind it lacks answers 409, an unknown one 404', async () => {
    const s = await payingSetup();
    await ctx()
      .deps.db('projects')
      .where({ id: s.project.id })
      .update({ allowance_enabled: true, allowance_half_day_cents: 4302 });
    const a = await attendee(s, { firstName: 'Łukasz', lastName: 'Nguyễn' });
    const b = await attendee(s);
    const both = await approvedClaim(s, a.id, [mileage(420), { kind: 'allowance' }]);
    const refundOnly = await approvedClaim(s, b.id, [mileage(500)]);
    const batch = await exportedBatch(s, [both.id, refundOnly.id]);
    const pa = batch.payments.find((p: { participantId: string }) => p.participantId === a.id);
    const pb = batch.payments.find((p: { participantId: string }) => p.participantId === b.id);
    const pending = await s.finance.get(`/api/payments/${pa.id}/certificate.pdf?kind=refund`);
    expect(pending.status).to.equal(409);
    expect(pending.body.error.code).to.equal('payment_not_paid');
    expect((await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {})).status).to.equal(200);
    const refund = await download(s.staff, `/api/payments/${pa.id}/certificate.pdf?kind=refund`);
    expect(refund.status).to.equal(200);
    expect(refund.type).to.equal('application/pdf');
    const refundText = pdfText(refund.bytes);
    expect(refundText)
      .to.include('Attestation de remboursement de frais')
      .and.include('Łukasz Nguyễn')
      .and.include(both.reference)
      .and.include('13,44')
      .and.include(pa.endToEndId);
    expect(refundText).not.to.include('43,02');
    const allowance = pdfText(
      (await download(s.finance, `/api/payments/${pa.id}/certificate.pdf?kind=allowance`)).bytes,
    );
    expect(allowance).to.include('indemnités de participation').and.include('43,02').and.include('RSA');
    expect(allowance).not.to.include('13,44');
    expect(pdfText((await download(s.finance, `/api/payments/${pb.id}/certificate.pdf?kind=refund`)).bytes))
      .to.include('16,00')
      .and.include(refundOnly.reference);
    const none = await s.finance.get(`/api/payments/${pb.id}/certificate.pdf?kind=allowance`);
    expect(none.status).to.equal(409);
    expect(none.body.error.code).to.equal('nothing_to_certify');
    expect(
      (await s.finance.get('/api/payments/00000000-0000-4000-8000-000000000000/certificate.pdf?kind=refund')).status,
    ).to.equal(404);
    expect((await s.finance.get(`/api/payments/${pa.id}/certificate.pdf?kind=both`)).status).to.equal(400);
    expect((await s.lead.get(`/api/payments/${pa.id}/certificate.pdf?kind=refund`)).status).to.equal(403);
    const detail = await s.finance.get(`/payments/${batch.id}`);
    expect(detail.text)
      .to.include(`/api/payments/${pa.id}/certificate.pdf?kind=allowance`)
      .and.include(`/api/payments/${pb.id}/certificate.pdf?kind=refund`);
    expect(detail.text).not.to.include(`/api/payments/${pb.id}/certificate.pdf?kind=allowance`);
  });
});
