import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { pdfText, SAMPLE_FILES } from '../helpers/documents.js';
import { TICKET } from '../claims/helpers.js';
import { streamZip, type ZipSummary } from '../../server/shared/zip.js';
import { approvedClaim, attendee, download, exportedBatch, mileage, payingSetup, type PaySetup } from './helpers.js';

const db = () => ctx().deps.db;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A ZIP on disk, read with `unzip` as a person would. */
function unzipped(bytes: Buffer) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-zip-'));
  const file = path.join(dir, 'bundle.zip');
  fs.writeFileSync(file, bytes);
  const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const read = (name: string) => execFileSync('unzip', ['-p', file, name], { maxBuffer: 50_000_000 });
  const listing = execFileSync('unzip', ['-l', file], { encoding: 'utf8' });
  return { names, read, listing, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The manifest's rows: file name, size, SHA-256. */
function manifestOf(zip: ReturnType<typeof unzipped>) {
  const text = zip.read('manifest.csv').toString('utf8');
  expect(text.startsWith('\uFEFF')).to.equal(true);
  const [header, ...rows] = text.slice(1).trim().split('\r\n');
  expect(header).to.equal('Fichier;Octets;SHA-256');
  return rows.map((r) => r.split(';')).map(([name, size, hash]) => ({ name, size: Number(size), hash }));
}

/** A claim with a ticket receipt, partly reduced by the lead, then batched, exported and paid. */
async function paidClaimWithReceipt(s: PaySetup, participantId: string) {
  const c = await s.staff.post('/api/claims', {
    participantId,
    sessionIds: [s.sessionId],
    lines: [mileage(420), TICKET(450)],
  });
  expect(c.status, c.text).to.equal(201);
  const receipt = Buffer.concat([SAMPLE_FILES.pdf, Buffer.from(`% evidence ${c.body.id}`)]);
  const up = await s.staff.upload(
    'POST',
    `/api/claims/${c.body.id}/receipts`,
    { amountCents: '450', lineId: c.body.lines[1].id },
    { field: 'file', name: 'ticket.pdf', bytes: receipt, type: 'application/pdf' },
  );
  expect(up.status, up.text).to.equal(201);
  expect((await s.staff.post(`/api/claims/${c.body.id}/submit`)).status).to.equal(200);
  const [m, t] = c.body.lines;
  const d = await s.lead.post(`/api/claims/${c.body.id}/decision`, {
    lines: [
      { lineId: m.id, grantedCents: 1000, reasonCode: 'over_cap' },
      { lineId: t.id, grantedCents: 450 },
    ],
  });
  expect(d.status, d.text).to.equal(200);
  return { id: c.body.id as string, reference: c.body.reference as string, receipt };
}

describe('payments: evidence bundles', () => {
  it('when a paid claim’s bundle is downloaded, then the ZIP holds its receipt, attendance, decision trail and payment reference, the manifest hashes match, and the download is audited with the ZIP’s hash', async () => {
    const s = await payingSetup();
    const a = await attendee(s, { firstName: 'Zoé', lastName: 'Preuve' });
    const claim = await paidClaimWithReceipt(s, a.id);
    const batch = await exportedBatch(s, [claim.id]);
    expect((await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {})).status).to.equal(200);

    const res = await download(s.staff, `/api/claims/${claim.id}/evidence.zip`);
    expect(res.status).to.equal(200);
    expect(res.type).to.equal('application/zip');
    const zip = unzipped(res.bytes);
    try {
      expect(zip.names).to.have.members([
        'decision.pdf',
        'presence.txt',
        `justificatifs/${claim.reference}-J1.pdf`,
        'paiement.txt',
        'manifest.csv',
      ]);
      expect(zip.listing).to.include('manifest.csv');
      expect(zip.read(`justificatifs/${claim.reference}-J1.pdf`).equals(claim.receipt)).to.equal(true);
      const trail = pdfText(zip.read('decision.pdf'));
      expect(trail)
        .to.include(`Historique de la décision — demande ${claim.reference}`)
        .and.include(a.reference)
        .and.include('Acceptée en partie')
        .and.include('13,44')
        .and.include('10,00')
        .and.include('4,50')
        .and.include('plafond')
        .and.include('Décision')
        .and.include('Demande transmise')
        .and.include(s.lead.user.name);
      expect(trail).not.to.include('Preuve');
      const presence = zip.read('presence.txt').toString('utf8');
      expect(presence).to.include('Atelier remboursements').and.include('Présente').and.include('jeudi 12 mars 2026');
      const payment = zip.read('paiement.txt').toString('utf8');
      expect(payment)
        .to.include(batch.reference)
        .and.include(batch.payments[0].endToEndId)
        .and.include('Payé le')
        .and.include('14,50');
      const manifest = manifestOf(zip);
      expect(manifest.map((m) => m.name)).to.have.members(zip.names.filter((n) => n !== 'manifest.csv'));
      for (const m of manifest) {
        const bytes = zip.read(m.name);
        expect(sha256(bytes), m.name).to.equal(m.hash);
        expect(bytes.length).to.equal(m.size);
      }
    } finally {
      zip.done();
    }
    const audits = await db()('audit_events').where({ action: 'claim.evidence_downloaded', record_id: claim.id });
    expect(audits).to.have.length(1);
    expect(audits[0].data.sha256).to.equal(sha256(res.bytes));
    expect(audits[0].data.bytes).to.equal(res.bytes.length);
    expect(audits[0].actor_user_id).to.equal(s.staff.user.id);
    expect(JSON.stringify(audits[0].data)).not.to.include('Preuve');
  });

  it('when a receipt was erased, then the bundle carries a short note with its hash instead; an unknown claim is 404 and a DPO 403, without audit', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const claim = await paidClaimWithReceipt(s, a.id);
    const file = await db()('claim_receipts').where({ claim_id: claim.id }).first('file_id');
    await db()('files').where({ id: file.file_id }).update({ content: null, erased_at: new Date() });
    const res = await download(s.finance, `/api/claims/${claim.id}/evidence.zip`);
    expect(res.status).to.equal(200);
    const zip = unzipped(res.bytes);
    try {
      expect(zip.names).to.include(`justificatifs/${claim.reference}-J1-efface.txt`).and.not.include('paiement.txt');
      expect(zip.read(`justificatifs/${claim.reference}-J1-efface.txt`).toString('utf8'))
        .to.include('effacé')
        .and.include(sha256(claim.receipt));
    } finally {
      zip.done();
    }
    const before = await db()('audit_events').where({ action: 'claim.evidence_downloaded' }).count({ n: '*' });
    expect(
      (await download(s.finance, '/api/claims/00000000-0000-4000-8000-000000000000/evidence.zip')).status,
    ).to.equal(404);
    expect((await download(await signedIn('dpo'), `/api/claims/${claim.id}/evidence.zip`)).status).to.equal(403);
    expect(await db()('audit_events').where({ action: 'claim.evidence_downloaded' }).count({ n: '*' })).to.deep.equal(
      before,
    );
  });

  it('when a batch bundle is downloaded, then it holds the slip, the accounting CSV and one folder per claim; finance only, exported batches only, audited with the hash', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const b = await attendee(s);
    const ca = await paidClaimWithReceipt(s, a.id);
    const cb = await approvedClaim(s, b.id, [mileage(300)]);
    const open = await s.finance.post('/api/payment-batches', { claimIds: [ca.id, cb.id] });
    const refused = await download(s.finance, `/api/payment-batches/${open.body.id}/evidence.zip`);
    expect(refused.status).to.equal(409);
    expect(JSON.parse(refused.bytes.toString('utf8')).error.code).to.equal('batch_not_exported');
    expect((await s.finance.post(`/api/payment-batches/${open.body.id}/export`, {})).status).to.equal(200);
    expect((await download(s.staff, `/api/payment-batches/${open.body.id}/evidence.zip`)).status).to.equal(403);
    expect(
      (await download(await signedIn('auditor'), `/api/payment-batches/${open.body.id}/evidence.zip`)).status,
    ).to.equal(403);

    const res = await download(s.finance, `/api/payment-batches/${open.body.id}/evidence.zip`);
    expect(res.status).to.equal(200);
    const zip = unzipped(res.bytes);
    try {
      const ref = open.body.reference;
      expect(zip.names).to.include.members([
        `bordereau-${ref}.pdf`,
        `export-comptable-${ref}.csv`,
        'manifest.csv',
        `${ca.reference}/decision.pdf`,
        `${ca.reference}/presence.txt`,
        `${ca.reference}/justificatifs/${ca.reference}-J1.pdf`,
        `${ca.reference}/paiement.txt`,
        `${cb.reference}/decision.pdf`,
        `${cb.reference}/presence.txt`,
        `${cb.reference}/paiement.txt`,
      ]);
      expect(pdfText(zip.read(`bordereau-${ref}.pdf`))).to.include(ref);
      const csv = zip.read(`export-comptable-${ref}.csv`);
      const direct = await download(s.finance, `/api/payment-batches/${open.body.id}/accounting.csv`);
      expect(csv.equals(direct.bytes)).to.equal(true);
      expect(zip.read(`${cb.reference}/paiement.txt`).toString('utf8'))
        .to.include(ref)
        .and.include('À payer');
      for (const m of manifestOf(zip)) expect(sha256(zip.read(m.name)), m.name).to.equal(m.hash);
    } finally {
      zip.done();
    }
    const audits = await db()('audit_events').where({
      action: 'payment_batch.evidence_downloaded',
      record_id: open.body.id,
    });
    expect(audits).to.have.length(1);
    expect(audits[0].data.sha256).to.equal(sha256(res.bytes));
    expect(audits[0].data).to.include({ completed: true, bytes: res.bytes.length });
  });

  it('when the bundle fails in the middle of the stream, then the download is cut off and audited as not completed, with what was sent', async () => {
    const audits: ZipSummary[] = [];
    const thrown: Error[] = [];
    const server = http.createServer((_req, res) => {
      streamZip(
        res,
        'x.zip',
        new Date('2026-03-12T10:00:00Z'),
        async (add) => {
          await add('big.bin', randomBytes(2_000_000));
          throw new Error('storage failed');
        },
        async (summary) => {
          audits.push(summary);
        },
      ).catch((e: Error) => thrown.push(e));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const outcome = await fetch(`http://127.0.0.1:${port}/`)
        .then(async (r) => ({ status: r.status, body: Buffer.from(await r.arrayBuffer()) }))
        .catch((e: Error) => e);
      expect(outcome).to.be.instanceOf(Error);
      for (let i = 0; i < 100 && !thrown.length; i++) await new Promise((r) => setTimeout(r, 20));
      expect(thrown.map((e) => e.message)).to.deep.equal(['storage failed']);
      expect(audits).to.have.length(1);
      expect(audits[0].completed).to.equal(false);
      expect(audits[0].bytes).to.be.greaterThan(0);
      expect(audits[0].sha256).to.match(/^[0-9a-f]{64}$/);
    } finally {
      server.close();
    }
  });

  it('when a bundle fails before its first byte, then nothing is recorded and the error can still be answered', async () => {
    const audits: ZipSummary[] = [];
    const server = http.createServer((_req, res) => {
      streamZip(
        res,
        'x.zip',
        new Date('2026-03-12T10:00:00Z'),
        async () => {
          throw new Error('nothing to add');
        },
        async (summary) => {
          audits.push(summary);
        },
      ).catch(() => {
        res.statusCode = 500;
        res.end('failed');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const r = await fetch(`http://127.0.0.1:${port}/`);
      expect(r.status).to.equal(500);
      expect(r.headers.get('content-disposition')).to.equal(null);
      expect(audits).to.have.length(0);
    } finally {
      server.close();
    }
  });
});
