import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { pdfText, SAMPLE_FILES } from '../helpers/documents.js';
import { TICKET } from '../claims/helpers.js';
import { attendee, download, exportedBatch, payingSetup, type PaySetup } from '../payments/helpers.js';
import { atClock, findInPersonalColumns, participantRow, runRetention, years } from './helpers.js';

// Receipt files follow the claim they back: receipts of paid claims are accounting records,
// kept in the restricted archive until the person's accounting retention ends; receipts of
// claims never paid go with the active data. Each test works in its own era of the past (see
// lifecycle.test.ts): claims go through the real API, then the person's last contact and
// payment dates are moved back so that only this test's people are due.

const db = () => ctx().deps.db;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type Outcome = 'paid' | 'rejected' | 'draft' | 'cancelled' | 'approved';

/** A claim with one ticket line and its receipt (a PDF quoting the person's name), taken to `outcome`. */
async function claimWithReceipt(s: PaySetup, person: { id: string; last_name: string }, outcome: Outcome) {
  const c = await s.staff.post('/api/claims', {
    participantId: person.id,
    sessionIds: [s.sessionId],
    lines: [TICKET(450)],
  });
  expect(c.status, c.text).to.equal(201);
  const bytes = Buffer.concat([SAMPLE_FILES.pdf, Buffer.from(`% ticket de ${person.last_name} ${c.body.id}`)]);
  const up = await s.staff.upload(
    'POST',
    `/api/claims/${c.body.id}/receipts`,
    { amountCents: '450', lineId: c.body.lines[0].id },
    { field: 'file', name: `ticket-${person.last_name}.pdf`, bytes, type: 'application/pdf' },
  );
  expect(up.status, up.text).to.equal(201);
  if (outcome === 'cancelled') expect((await s.staff.post(`/api/claims/${c.body.id}/cancel`, {})).status).to.equal(200);
  if (['paid', 'rejected', 'approved'].includes(outcome)) {
    expect((await s.staff.post(`/api/claims/${c.body.id}/submit`)).status).to.equal(200);
    const line = c.body.lines[0].id;
    const decision =
      outcome === 'rejected'
        ? { lineId: line, grantedCents: 0, reasonCode: 'not_eligible' }
        : { lineId: line, grantedCents: 450 };
    const d = await s.lead.post(`/api/claims/${c.body.id}/decision`, { lines: [decision] });
    expect(d.status, d.text).to.equal(200);
  }
  if (outcome === 'paid') {
    const batch = await exportedBatch(s, [c.body.id]);
    expect((await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {})).status).to.equal(200);
  }
  const status = (await db()('claims').where({ id: c.body.id }).first('status')).status;
  expect(status).to.equal(outcome);
  const { file_id: fileId } = await db()('claim_receipts').where({ claim_id: c.body.id }).first('file_id');
  return { id: c.body.id as string, reference: c.body.reference as string, fileId: fileId as string, bytes, outcome };
}

/** Moves the person's last contact (and payments, when `paidAt`) into the past era of the test. */
async function moveToEra(participantId: string, lastContactAt: Date, paidAt?: Date) {
  await db()('participants')
    .where({ id: participantId })
    .update({ last_contact_at: lastContactAt, created_at: lastContactAt });
  if (paidAt) {
    await db()('payments').where({ participant_id: participantId }).update({ paid_at: paidAt });
    const batches = await db()('payments').where({ participant_id: participantId }).pluck('batch_id');
    await db()('payment_batches').whereIn('id', batches).update({ paid_at: paidAt });
  }
}

/** The files of a claim's evidence bundle, read with `unzip`: name → bytes. */
async function bundleOf(client: PaySetup['staff'], claimId: string): Promise<Map<string, Buffer>> {
  const res = await download(client, `/api/claims/${claimId}/evidence.zip`);
  expect(res.status).to.equal(200);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-receipts-'));
  try {
    const file = path.join(dir, 'bundle.zip');
    fs.writeFileSync(file, res.bytes);
    const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
    return new Map(names.map((n) => [n, execFileSync('unzip', ['-p', file, n])]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function fileRow(id: string) {
  return db()('files').where({ id }).first('sha256', 'content', 'erased_at', 'original_name', 'purpose');
}

/** The receipt is still there, byte for byte, with its name. */
async function expectKept(receipt: { fileId: string; bytes: Buffer }) {
  const f = await fileRow(receipt.fileId);
  expect(f.purpose).to.equal('receipt');
  expect(Buffer.from(f.content).equals(receipt.bytes)).to.equal(true);
  expect(f.erased_at).to.equal(null);
  expect(f.original_name).to.be.a('string');
}

/** The receipt's content and name are erased at `at`; the row, its hash and the claim's link remain. */
async function expectErased(receipt: { id: string; fileId: string; bytes: Buffer }, at: Date) {
  const f = await fileRow(receipt.fileId);
  expect(f).to.include({ content: null, original_name: null, sha256: sha256(receipt.bytes) });
  expect(f.erased_at.toISOString()).to.equal(at.toISOString());
  expect(
    await db()('claim_receipts').where({ claim_id: receipt.id, file_id: receipt.fileId }).count({ n: '*' }),
  ).to.deep.equal([{ n: 1 }]);
}

describe('retention of receipt files', () => {
  it('when a person with a paid claim is archived, then the paid claim’s receipt is kept and the others erased; when the accounting period ends, then the kept receipt is erased too, its row and hash remaining', async function () {
    this.timeout(180_000);
    const s = await payingSetup();
    const person = await attendee(s, { lastName: `Recu${Date.now().toString(36)}` });
    const paid = await claimWithReceipt(s, person, 'paid');
    const rejected = await claimWithReceipt(s, person, 'rejected');
    const draft = await claimWithReceipt(s, person, 'draft');
    const paidAt = new Date('1985-02-01T10:00:00Z');
    const lastContact = new Date('1985-03-01T10:00:00Z');
    await moveToEra(person.id, lastContact, paidAt);
    const dpo = await signedIn('dpo');

    const archivedAt = years(lastContact, 2, 1);
    await atClock(archivedAt, async () => {
      const result = await runRetention(dpo, 'apply');
      expect(result.participants.archive).to.be.at.least(1);
      expect(result.erased.archive.files.evidence).to.be.at.least(2);
    });
    expect((await participantRow(person.id)).status).to.equal('archived');
    await expectKept(paid);
    await expectErased(rejected, archivedAt);
    await expectErased(draft, archivedAt);
    // The paid receipt is the one document still quoting the person, with the accounting columns
    // (the name, and its folded copy the list sorts and searches on).
    expect((await findInPersonalColumns([person.last_name])).sort()).to.deep.equal([
      'files.content',
      'files.original_name',
      'participants.last_name',
      'participants.sort_name',
      'payments.payee_name_snapshot',
    ]);
    // Finance still proves the payment with its receipt: the evidence bundle carries it whole.
    const bundle = await bundleOf(s.finance, paid.id);
    expect(bundle.get(`justificatifs/${paid.reference}-J1.pdf`)?.equals(paid.bytes)).to.equal(true);

    // One day before the end of accounting retention (10 years after the last payment): kept.
    await atClock(years(paidAt, 10, -1), async () => {
      await runRetention(dpo, 'apply');
    });
    expect((await participantRow(person.id)).status).to.equal('archived');
    await expectKept(paid);

    const anonymisedAt = years(paidAt, 10, 1);
    await atClock(anonymisedAt, async () => {
      const result = await runRetention(dpo, 'apply');
      expect(result.erased.anonymise.files.evidence).to.be.at.least(1);
    });
    expect((await participantRow(person.id)).status).to.equal('anonymised');
    await expectErased(paid, anonymisedAt);
    await expectErased(rejected, archivedAt); // erased once, at archiving: the date stays
    expect(await findInPersonalColumns([person.last_name])).to.deep.equal([]);
    // The audit of the runs holds counts only.
    const batches = await db()('audit_events')
      .where({ action: 'retention.batch_applied' })
      .orderBy('id', 'desc')
      .limit(5)
      .select('data');
    expect(batches.some((b) => b.data.phase === 'archived' && b.data.erased.anonymise.files?.evidence >= 1)).to.equal(
      true,
    );
    expect(JSON.stringify(batches)).to.not.include(person.last_name);
  });

  it('when a person with no claim approved, batched or paid is erased, then every receipt’s content is erased at once, rows and hashes remaining; a person with an approved claim is archived and keeps only that receipt', async function () {
    this.timeout(180_000);
    const s = await payingSetup();
    const dpo = await signedIn('dpo');

    // Erased at the DPO's request: without paid claims the person is anonymised at once.
    const erasedPerson = await attendee(s, { lastName: `Refus${Date.now().toString(36)}` });
    const rejected = await claimWithReceipt(s, erasedPerson, 'rejected');
    const cancelled = await claimWithReceipt(s, erasedPerson, 'cancelled');
    const erasedAt = new Date('2026-05-04T08:00:00Z');
    const r = await atClock(erasedAt, () =>
      dpo.post(`/api/participants/${erasedPerson.id}/erase`, { reasonCode: 'erasure_request' }),
    );
    expect(r.status, r.text).to.equal(200);
    expect(r.body).to.include({ status: 'anonymised', outcome: 'anonymised' });
    expect(r.body.erased.files).to.deep.equal({ evidence: 2 });
    await expectErased(rejected, erasedAt);
    await expectErased(cancelled, erasedAt);
    expect(await findInPersonalColumns([erasedPerson.last_name])).to.deep.equal([]);
    // The bundle of the rejected claim now says the receipt was erased, with its hash.
    const bundle = await bundleOf(s.staff, rejected.id);
    expect([...bundle.keys()]).to.not.include(`justificatifs/${rejected.reference}-J1.pdf`);
    expect(bundle.get(`justificatifs/${rejected.reference}-J1-efface.txt`)?.toString('utf8')).to.include(
      sha256(rejected.bytes),
    );

    // Reached by a retention run: an approved claim is owed (docs/domain.md#erasure-and-withdrawal), so its person is
    // archived, not anonymised, and its receipt stays with the accounts; the draft's goes.
    const idle = await attendee(s, { lastName: `Attente${Date.now().toString(36)}` });
    const approved = await claimWithReceipt(s, idle, 'approved');
    const draft = await claimWithReceipt(s, idle, 'draft');
    const lastContact = new Date('1988-09-01T10:00:00Z');
    await moveToEra(idle.id, lastContact);
    const runAt = years(lastContact, 2, 1);
    await atClock(runAt, async () => {
      const dry = await runRetention(dpo, 'dry_run');
      expect(dry.erased.archive.files.evidence).to.be.at.least(1);
      await expectKept(approved);
      const result = await runRetention(dpo, 'apply');
      expect(result.participants.archive).to.be.at.least(1);
    });
    expect((await participantRow(idle.id)).status).to.equal('archived');
    expect((await db()('claims').where({ id: approved.id }).first('status')).status).to.equal('approved');
    await expectKept(approved);
    await expectErased(draft, runAt);
  });

  it('when the DPO reads the register, then each kind of document shows its retention and supplier invoices are outside the participant lifecycle', async () => {
    const dpo = await signedIn('dpo');
    const json = await dpo.get('/api/privacy/register');
    expect(json.status).to.equal(200);
    const kinds = Object.fromEntries(
      (json.body.documents as { kind: string; participantLifecycle: boolean; retention: string[] }[]).map((d) => [
        d.kind,
        d,
      ]),
    );
    expect(Object.keys(kinds)).to.have.members([
      'consent_evidence',
      'receipt_paid',
      'receipt_unpaid',
      'invoice',
      'payment_file',
    ]);
    expect(kinds.receipt_paid.participantLifecycle).to.equal(true);
    expect(kinds.payment_file.participantLifecycle).to.equal(true);
    expect(kinds.payment_file.retention.join(' ')).to.include('archive restreinte 10 ans après le dernier paiement');
    expect(kinds.receipt_paid.retention.join(' ')).to.include('archive restreinte 10 ans après le dernier paiement');
    expect(kinds.receipt_unpaid.retention.join(' ')).to.include('après le dernier contact, puis effacement');
    expect(kinds.invoice.participantLifecycle).to.equal(false);
    expect(kinds.invoice.retention.join(' ')).to.include('Hors du cycle de vie des participants');
    const reimbursement = json.body.activities.find((a: { purpose: string }) => a.purpose === 'reimbursement');
    const evidence = reimbursement.categories.find((c: { category: string }) => c.category === 'evidence');
    expect(evidence.columns.join(' ')).to.include(
      'files.content (Justificatifs des demandes accordées, en paiement ou payées',
    );
    expect(JSON.stringify(json.body.activities)).to.not.include('Factures des fournisseurs');

    const page = await dpo.get('/privacy/register');
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.include('Documents déposés')
      .and.include('Justificatifs des demandes accordées, en paiement ou payées')
      .and.include('Factures des fournisseurs');
    const pdf = await download(dpo, '/api/privacy/register?format=pdf');
    const text = pdfText(pdf.bytes).replace(/\s+/g, ' ');
    expect(text).to.include('Documents déposés').and.include('Factures des fournisseurs');
  });
});
