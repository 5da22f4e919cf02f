import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { ctx } from '../helpers/context.js';
import { rowCounts } from '../helpers/routes.js';
import { pdfText } from '../helpers/documents.js';
import { approvedClaim, attendee, download, exportedBatch, mileage, payingSetup } from './helpers.js';

const db = () => ctx().deps.db;
const liveBatchesOf = async (claimId: string) => db()('batch_claims').where({ claim_id: claimId, voided: false });
const claimStatus = async (id: string) => await db()('claims').where({ id }).first('status', 'flags');

describe('payments: batches', () => {
  it('when finance builds a batch, then one payment per payee sums its claims, the claims are in_batch, and the payment ids trace the claims', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const b = await attendee(s);
    const a1 = await approvedClaim(s, a.id, [mileage(420)]);
    const a2 = await approvedClaim(s, a.id, [mileage(100)]);
    const b1 = await approvedClaim(s, b.id, [mileage(300)]);
    const r = await s.finance.post('/api/payment-batches', { claimIds: [a1.id, a2.id, b1.id] });
    expect(r.status, r.text).to.equal(201);
    expect(r.body.reference).to.match(/^B-\d{4}-\d{5,}$/);
    expect(r.body.status).to.equal('open');
    expect(r.body.paymentCount).to.equal(2);
    expect(r.body.totalCents).to.equal(a1.amountCents + a2.amountCents + b1.amountCents);
    const pa = r.body.payments.find((p: { participantId: string }) => p.participantId === a.id);
    expect(pa.amountCents).to.equal(a1.amountCents + a2.amountCents);
    expect(pa.claims.map((c: { reference: string }) => c.reference).sort()).to.deep.equal(
      [a1.reference, a2.reference].sort(),
    );
    expect(pa.endToEndId).to.include(r.body.reference);
    expect(JSON.stringify(r.body)).not.to.include(a.iban!).and.not.to.include(a.last_name);
    for (const c of [a1, a2, b1]) expect((await claimStatus(c.id)).status).to.equal('in_batch');
    const detail = await s.finance.get(`/api/payment-batches/${r.body.id}`);
    expect(detail.body.payments).to.have.length(2);
    const listed = await s.finance.get('/api/payment-batches?status=open');
    expect(listed.body.items.map((x: { id: string }) => x.id)).to.include(r.body.id);
  });

  it('when the same Idempotency-Key is repeated, then the first batch comes back; with another body, 422', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const c1 = await approvedClaim(s, a.id);
    const c2 = await approvedClaim(s, a.id, [mileage(50)]);
    const headers = { 'idempotency-key': `batch-${c1.id}` };
    const first = await s.finance.request('POST', '/api/payment-batches', { json: { claimIds: [c1.id] }, headers });
    expect(first.status, first.text).to.equal(201);
    const again = await s.finance.request('POST', '/api/payment-batches', { json: { claimIds: [c1.id] }, headers });
    expect(again.status).to.equal(201);
    expect(again.body.id).to.equal(first.body.id);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    const stored = await db()('idempotency_keys')
      .where({ key: `batch-${c1.id}` })
      .first('response_body');
    expect(JSON.stringify(stored.response_body)).to.include(c1.reference).and.not.include(a.last_name);
    const before = await rowCounts(['web_sessions']);
    const other = await s.finance.request('POST', '/api/payment-batches', { json: { claimIds: [c2.id] }, headers });
    expect(other.status).to.equal(422);
    expect(other.body.error.code).to.equal('idempotency_key_reused');
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
    const exportKey = { 'idempotency-key': `export-${c1.id}` };
    const e1 = await s.finance.request('POST', `/api/payment-batches/${first.body.id}/export`, {
      json: {},
      headers: exportKey,
    });
    const e2 = await s.finance.request('POST', `/api/payment-batches/${first.body.id}/export`, {
      json: {},
      headers: exportKey,
    });
    expect([e1.status, e2.status]).to.deep.equal([200, 200]);
    expect(e2.body.exportedAt).to.equal(e1.body.exportedAt);
    const payKey = { 'idempotency-key': `pay-${c1.id}` };
    const p1 = await s.finance.request('POST', `/api/payment-batches/${first.body.id}/mark-paid`, {
      json: {},
      headers: payKey,
    });
    const p2 = await s.finance.request('POST', `/api/payment-batches/${first.body.id}/mark-paid`, {
      json: {},
      headers: payKey,
    });
    expect([p1.status, p2.status]).to.deep.equal([200, 200]);
    expect(p2.headers.get('idempotent-replayed')).to.equal('true');
    expect(await db()('outbox_messages').where({ template: 'payment-sent', participant_id: a.id })).to.have.length(1);
    const p3 = await s.finance.request('POST', `/api/payment-batches/${first.body.id}/mark-paid`, {
      json: { paymentIds: [first.body.payments[0].id] },
      headers: payKey,
    });
    expect(p3.status).to.equal(422);
  });

  it('when a batch asks for a rejected claim, a payee without IBAN, an unknown claim or a claim the actor decided, then a clear 4xx names it and nothing changes', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const noIban = await attendee(s, { iban: false });
    const ok = await approvedClaim(s, a.id);
    const refused = await s.staff.post('/api/claims', {
      participantId: a.id,
      sessionIds: [s.sessionId],
      lines: [mileage(80)],
      submit: true,
    });
    const rej = await s.lead.post(`/api/claims/${refused.body.id}/decision`, {
      lines: [{ lineId: refused.body.lines[0].id, grantedCents: 0, reasonCode: 'not_eligible' }],
    });
    expect(rej.body.status).to.equal('rejected');
    const cashOnly = await approvedClaim(s, noIban.id);
    const before = await rowCounts(['web_sessions']);
    const r1 = await s.finance.post('/api/payment-batches', { claimIds: [ok.id, refused.body.id] });
    expect(r1.status).to.equal(409);
    expect(r1.body.error.code).to.equal('claim_not_payable');
    expect(r1.body.error.message).to.include(refused.body.reference);
    const r2 = await s.finance.post('/api/payment-batches', { claimIds: [ok.id, cashOnly.id] });
    expect(r2.status).to.equal(409);
    expect(r2.body.error.code).to.equal('payee_without_iban');
    expect(r2.body.error.message).to.include(cashOnly.reference);
    const r3 = await s.finance.post('/api/payment-batches', {
      claimIds: [ok.id, '00000000-0000-4000-8000-000000000000'],
    });
    expect(r3.status).to.equal(400);
    expect(r3.body.error.details[0].field).to.equal('claimIds.1');
    const r4 = await s.lead.post('/api/payment-batches', { claimIds: [ok.id] });
    expect(r4.status).to.equal(403);
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
    expect((await claimStatus(ok.id)).status).to.equal('approved');
    const cash = await s.finance.post('/api/payment-batches', { claimIds: [cashOnly.id], kind: 'cash' });
    expect(cash.status, cash.text).to.equal(201);
    expect(cash.body.kind).to.equal('cash');
  });

  it('when finance decided a claim, then they cannot batch it (separation_of_duties naming it); with filters it is left out', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const c = await s.staff.post('/api/claims', {
      participantId: a.id,
      sessionIds: [s.sessionId],
      lines: [mileage(90)],
      submit: true,
    });
    const d = await s.finance.post(`/api/claims/${c.body.id}/decision`, {
      lines: [{ lineId: c.body.lines[0].id, grantedCents: c.body.lines[0].eligibleCents }],
    });
    expect(d.status, d.text).to.equal(200);
    const r = await s.finance.post('/api/payment-batches', { claimIds: [c.body.id] });
    expect(r.status).to.equal(409);
    expect(r.body.error.code).to.equal('separation_of_duties');
    expect(r.body.error.message).to.include(c.body.reference);
    const other = await approvedClaim(s, a.id, [mileage(40)]);
    const f = await s.finance.post('/api/payment-batches', { projectId: s.project.id });
    expect(f.status, f.text).to.equal(201);
    expect(f.body.payments.flatMap((p: { claims: { id: string }[] }) => p.claims.map((x) => x.id))).to.deep.equal([
      other.id,
    ]);
    expect(f.body.skipped.decidedByYou).to.equal(1);
  });

  it('when an exported batch is cancelled, then 409 and nothing changes; voided with a reason, its claims are approved, flagged, and batchable again', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const c = await approvedClaim(s, a.id);
    const open = await s.finance.post('/api/payment-batches', { claimIds: [c.id] });
    expect(
      (await s.finance.post(`/api/payment-batches/${open.body.id}/void`, { reason: 'Erreur' })).body.error.code,
    ).to.equal('batch_not_exported');
    const cancelled = await s.finance.post(`/api/payment-batches/${open.body.id}/cancel`, {});
    expect(cancelled.status).to.equal(200);
    expect(cancelled.body.status).to.equal('cancelled');
    expect((await claimStatus(c.id)).status).to.equal('approved');
    expect((await s.finance.post(`/api/payment-batches/${open.body.id}/cancel`, {})).status).to.equal(200);
    expect((await s.finance.post(`/api/payment-batches/${open.body.id}/export`, {})).status).to.equal(409);
    const batch = await exportedBatch(s, [c.id]);
    const before = await rowCounts(['web_sessions']);
    const refused = await s.finance.post(`/api/payment-batches/${batch.id}/cancel`, {});
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('batch_not_open');
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
    const voided = await s.finance.post(`/api/payment-batches/${batch.id}/void`, {
      reason: 'Mauvais compte à débiter',
    });
    expect(voided.status, voided.text).to.equal(200);
    expect(voided.body.status).to.equal('voided');
    expect(voided.body.voidReason).to.equal('Mauvais compte à débiter');
    const after = await claimStatus(c.id);
    expect(after.status).to.equal('approved');
    expect(after.flags).to.include('batch_voided');
    expect((await download(s.finance, `/api/payment-batches/${batch.id}/accounting.csv`)).status).to.equal(409);
    expect(await liveBatchesOf(c.id)).to.have.length(0);
    const again = await s.finance.post('/api/payment-batches', { claimIds: [c.id] });
    expect(again.status, again.text).to.equal(201);
  });

  it('when a batch is marked paid and one payment is then rejected by the bank, then claims are paid, people told, and the rejected claim is approved, flagged, re-batchable', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const b = await attendee(s);
    const ca = await approvedClaim(s, a.id);
    const cb = await approvedClaim(s, b.id, [mileage(77)]);
    const batch = await exportedBatch(s, [ca.id, cb.id]);
    const notExported = await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {
      paymentIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(notExported.status).to.equal(400);
    const pb = batch.payments.find((p: { participantId: string }) => p.participantId === b.id);
    const pa = batch.payments.find((p: { participantId: string }) => p.participantId === a.id);
    const partly = await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, { paymentIds: [pa.id] });
    expect(partly.status, partly.text).to.equal(200);
    expect(partly.body.status).to.equal('exported');
    expect((await claimStatus(ca.id)).status).to.equal('paid');
    expect((await claimStatus(cb.id)).status).to.equal('in_batch');
    const rejected = await s.finance.post(`/api/payments/${pb.id}/reject`, { reasonCode: 'AC04' });
    expect(rejected.status, rejected.text).to.equal(200);
    expect(rejected.body.status).to.equal('paid');
    const back = await claimStatus(cb.id);
    expect(back.status).to.equal('approved');
    expect(back.flags).to.include('payment_rejected');
    expect((await s.finance.post(`/api/payments/${pb.id}/reject`, { reasonCode: 'AC04' })).status).to.equal(200);
    expect(
      (await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, { paymentIds: [pb.id] })).status,
    ).to.equal(409);
    const notice = await db()('outbox_messages').where({ template: 'payment-sent', participant_id: a.id });
    expect(notice).to.have.length(1);
    expect(notice[0].body_text).to.include(`${(ca.amountCents / 100).toFixed(2).replace('.', ',')}`);
    expect(await db()('outbox_messages').where({ template: 'payment-sent', participant_id: b.id })).to.have.length(0);
    const rebatched = await s.finance.post('/api/payment-batches', { claimIds: [cb.id] });
    expect(rebatched.status, rebatched.text).to.equal(201);
    const paidAt = await db()('payments').where({ id: pa.id }).first('paid_at');
    const { lastPaymentAt } = await import('../../server/privacy/index.js');
    expect((await lastPaymentAt(db(), a.id))?.toISOString()).to.equal(paidAt.paid_at.toISOString());
  });

  it('when the accounting export and the slip of a batch are downloaded, then lines carry the code per category, references and sums; each download audited', async () => {
    const s = await payingSetup();
    const a = await attendee(s, { firstName: '=SOMME(A1)' });
    const c = await approvedClaim(s, a.id, [mileage(420)]);
    const batch = await exportedBatch(s, [c.id]);
    const csv = await download(s.finance, `/api/payment-batches/${batch.id}/accounting.csv`);
    expect(csv.status).to.equal(200);
    const text = csv.bytes.toString('utf8');
    expect(text.startsWith('\uFEFF')).to.equal(true);
    const [header, line] = text.slice(1).split('\r\n');
    expect(header.split(';')).to.include('Nature').and.include('Justificatifs');
    const cells = line.split(';');
    expect(cells[0]).to.equal(batch.reference);
    expect(cells[3]).to.include("'=SOMME");
    expect(cells[5]).to.equal(a.iban);
    expect(cells[7]).to.equal('6251');
    expect(cells[10]).to.equal('13,44');
    expect(cells[11]).to.equal(c.reference);
    expect(
      (await download(s.finance, `/api/payment-batches/${batch.id}/accounting.csv`)).bytes.equals(csv.bytes),
    ).to.equal(true);
    const xlsx = await download(s.finance, `/api/payment-batches/${batch.id}/accounting.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    expect(book.worksheets[0].getRow(2).getCell(11).value).to.equal(13.44);
    const slip = pdfText((await download(s.finance, `/api/payment-batches/${batch.id}/slip.pdf`)).bytes);
    expect(slip)
      .to.include(batch.reference)
      .and.include('Indemnités kilométriques')
      .and.include('13,44')
      .and.include('signature');
    expect((await download(s.staff, `/api/payment-batches/${batch.id}/accounting.csv`)).status).to.equal(403);
    const audits = await db()('audit_events').where({ action: 'payment_batch.file_downloaded', record_id: batch.id });
    expect(audits.map((x) => x.data.file).sort()).to.deep.equal(['csv', 'csv', 'slip', 'xlsx']);
  });

  it('when a payee loses their bank details before export, then exporting answers 409 payee_without_iban naming the payment, the batch stays open and nothing changes', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const c = await approvedClaim(s, a.id);
    const built = await s.finance.post('/api/payment-batches', { claimIds: [c.id] });
    expect(built.status, built.text).to.equal(201);
    await db()('payees').where({ id: a.payeeId }).update({ active: false });
    const before = await rowCounts(['web_sessions']);
    const r = await s.finance.post(`/api/payment-batches/${built.body.id}/export`, {});
    expect(r.status).to.equal(409);
    expect(r.body.error.code).to.equal('payee_without_iban');
    expect(r.body.error.details[0].field).to.equal('payments.0');
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
    const batch = await db()('payment_batches').where({ id: built.body.id }).first('status', 'exported_at');
    expect(batch).to.deep.equal({ status: 'open', exported_at: null });
    expect(
      (await db()('payments').where({ batch_id: built.body.id }).first('payee_name_snapshot')).payee_name_snapshot,
    ).to.equal(null);
    expect(
      (await s.finance.post('/api/payment-batches/00000000-0000-4000-8000-000000000000/export', {})).status,
    ).to.equal(404);
  });
});
