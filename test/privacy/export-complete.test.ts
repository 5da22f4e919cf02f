import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import type { Reply } from '../helpers/client.js';
import { pdfText, SAMPLE_FILES } from '../helpers/documents.js';
import { TICKET } from '../claims/helpers.js';
import { attendee, download, exportedBatch, mileage, payingSetup, type PaySetup } from '../payments/helpers.js';
import { REGISTRY } from '../../server/privacy/registry/registry.js';
import { rowScopes } from '../../server/privacy/registry/types.js';
import { exportDeclarationProblems } from '../../server/privacy/export-sections.js';

const db = () => ctx().deps.db;

interface Section {
  table: string;
  kind: string | null;
  label: string;
  source: string;
  purposes: unknown[];
  recipients: string[];
  retention: string[];
  columns: Record<string, string>;
  rows: Record<string, unknown>[];
}
const section = (body: { tables: Section[] }, table: string, kind: string | null = null) => {
  const found = body.tables.find((s) => s.table === table && s.kind === kind);
  expect(found, `${table} ${kind ?? ''}`).to.not.equal(undefined);
  return found!;
};

/** A ZIP on disk, read with `unzip` as a person would. */
function unzipped(bytes: Buffer) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-zip-'));
  const file = path.join(dir, 'export.zip');
  fs.writeFileSync(file, bytes);
  const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const read = (name: string) => execFileSync('unzip', ['-p', file, name], { maxBuffer: 50_000_000 });
  return { names, read, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe('right of access: the export is complete by construction', () => {
  it('when a table (or a kind of files) is linked to participants, then it declares its export projection or why it is excluded; a new one without fails', () => {
    expect(exportDeclarationProblems(REGISTRY)).to.deep.equal([]);
    const linked = rowScopes(REGISTRY).filter((s) => s.participantLink);
    expect(linked.map((s) => `${s.table}:${s.kind ?? ''}`)).to.include.members([
      'session_participants:',
      'claims:',
      'claim_lines:',
      'claim_receipts:',
      'payments:',
      'outbox_messages:',
      'files:receipt_paid',
      'files:consent_evidence',
    ]);
    // A new participant-linked table, or a new kind of files, without a declaration is caught.
    const withNewTable = {
      ...REGISTRY,
      notes_about_people: {
        owner: 'participants' as const,
        label: 'Notes',
        participantLink: 'participant_id = ANY(?::uuid[])',
        columns: {},
      },
    };
    expect(exportDeclarationProblems(withNewTable)).to.deep.equal([
      'notes_about_people: linked to participants but declares no export',
    ]);
    const files = REGISTRY.files;
    const withNewKind = {
      ...REGISTRY,
      files: {
        ...files,
        kinds: {
          ...files.kinds,
          letter: { label: 'Courriers', rows: "purpose = 'letter'", participantLink: 'true', columns: {} },
        },
      },
    };
    expect(exportDeclarationProblems(withNewKind)).to.deep.equal([
      'files (letter): linked to participants but declares no export',
    ]);
    // A declared column must exist, and staff columns are never exported.
    const withTypo = {
      ...REGISTRY,
      claims: {
        ...REGISTRY.claims,
        export: { source: 'x', columns: { refrence: 'Référence', decided_by: 'Décidé par' } },
      },
    };
    expect(exportDeclarationProblems(withTypo)).to.deep.equal([
      'claims: exports refrence, which the table does not declare',
      'claims: exports decided_by, a staff column',
    ]);
  });

  describe('when a person was invited, attended, claimed with lines and a receipt, was decided on, paid and written to', () => {
    let tag: string;
    let s: PaySetup;
    let a: Awaited<ReturnType<typeof attendee>>;
    let c: Reply;
    let batch: Awaited<ReturnType<typeof exportedBatch>>;
    let receipt: Buffer;
    let evidence: Buffer;
    let messages: { subject: string; template: string }[];
    let payment: { end_to_end_id: string };
    let secrets: string[];
    let client: Awaited<ReturnType<typeof signedIn>>;
    let body: { tables: Section[]; notExported: { table: string }[] };
    let zipBytes: number;

    before(async function () {
      this.timeout(120_000);
      tag = randomBytes(3).toString('hex');
      s = await payingSetup();
      a = await attendee(s, { firstName: `Inès${tag}`, lastName: `Export${tag}` });
      const other = await attendee(s, { firstName: `Autre${tag}`, lastName: `Voisine${tag}` });
      // An invitation to a second session.
      const second = await s.staff.post('/api/sessions', {
        projectId: s.project.id,
        title: `Comité ${tag}`,
        kind: 'workshop',
        capacity: 10,
        startsAt: '2026-04-02T14:00:00+02:00',
        endsAt: '2026-04-02T17:00:00+02:00',
      });
      expect(second.status, second.text).to.equal(201);
      await db()('session_participants').insert({
        session_id: second.body.id,
        participant_id: a.id,
        status: 'invited',
        invited_at: new Date(),
      });
      // A claim with two lines and a receipt, reduced by the lead, batched, exported and paid.
      c = await s.staff.post('/api/claims', {
        participantId: a.id,
        sessionIds: [s.sessionId],
        lines: [mileage(420), TICKET(450)],
      });
      expect(c.status, c.text).to.equal(201);
      receipt = Buffer.concat([SAMPLE_FILES.pdf, Buffer.from(`% ${tag}`)]);
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
      batch = await exportedBatch(s, [c.body.id]);
      expect((await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {})).status).to.equal(200);
      // Consent evidence, a childcare provider paid for the person, staff notes about them.
      evidence = Buffer.from(`%PDF-1.4\n% Consentement ${tag}\n%%EOF\n`);
      const [file] = await db()('files')
        .insert({
          sha256: randomBytes(32).toString('hex'),
          media_type: 'application/pdf',
          size_bytes: evidence.length,
          content: evidence,
          original_name: `consentement-${tag}.pdf`,
          purpose: 'consent_evidence',
        })
        .returning('id');
      await db()('consents').insert({
        participant_id: a.id,
        purpose_code: 'contact',
        legal_basis: 'consent',
        text_version: 1,
        channel: 'paper',
        given_on: '2026-01-05',
        evidence_file_id: file.id,
      });
      await db()('payees').insert({
        participant_id: a.id,
        kind: 'childcare_provider',
        name: `Crèche Pirouette ${tag}`,
      });
      await db()('session_participants')
        .where({ session_id: s.sessionId, participant_id: a.id })
        .update({ override_reason: `NoteAgent${tag}` });
      await db()('claims')
        .where({ id: c.body.id })
        .update({ decision_note: `NoteDecision${tag}` });
      await db()('claim_lines')
        .where({ id: m.id })
        .update({ reason_note: `NoteLigne${tag}` });
      messages = await db()('outbox_messages').where({ participant_id: a.id }).select('subject', 'template');
      expect(messages.length).to.be.greaterThan(1);
      payment = await db()('payments').where({ participant_id: a.id }).first('end_to_end_id');
      secrets = [
        other.last_name,
        other.first_name,
        `NoteAgent${tag}`,
        `NoteDecision${tag}`,
        `NoteLigne${tag}`,
        `Pirouette ${tag}`,
      ];
      client = await signedIn('dpo');
    });

    it('then the JSON export holds each of those, nothing of anyone else, and the art. 15(1) information of every section', async () => {
      const r = await client.get(`/api/participants/${a.id}/export`);
      expect(r.status).to.equal(200);
      body = JSON.parse(r.text);
      const sp = section(body, 'session_participants');
      expect(sp.rows.map((x) => [x.session, x.status])).to.have.deep.members([
        ['Atelier remboursements', 'attended'],
        [`Comité ${tag}`, 'invited'],
      ]);
      const claims = section(body, 'claims');
      expect(claims.rows).to.have.length(1);
      expect(claims.rows[0]).to.include({ reference: c.body.reference, status: 'paid', amount_granted_cents: 1450 });
      expect(claims.rows[0].decided_at).to.be.a('string');
      expect(section(body, 'claim_lines').rows.map((x) => [x.granted_cents, x.reason_code])).to.have.deep.members([
        [1000, 'over_cap'],
        [450, null],
      ]);
      expect(section(body, 'claim_receipts').rows).to.deep.equal([
        { claim: c.body.reference, amount_cents: 450, created_at: section(body, 'claim_receipts').rows[0].created_at },
      ]);
      const receipts = section(body, 'files', 'receipt_paid').rows;
      expect(receipts.map((x) => x.original_name)).to.deep.equal(['ticket.pdf']);
      expect(
        section(body, 'payments').rows.map((x) => [x.amount_cents, x.end_to_end_id, x.status, x.payee_kind]),
      ).to.deep.equal([[1450, payment.end_to_end_id, 'paid', 'participant']]);
      expect(section(body, 'outbox_messages').rows.map((x) => x.subject)).to.have.members(
        messages.map((x) => x.subject),
      );
      expect(section(body, 'files', 'consent_evidence').rows.map((x) => x.original_name)).to.deep.equal([
        `consentement-${tag}.pdf`,
      ]);
      // The childcare provider is said to exist, without its name.
      const payees = section(body, 'payees').rows;
      expect(payees.map((x) => x.kind)).to.have.members(['participant', 'childcare_provider']);
      expect(payees.find((x) => x.kind === 'participant')!.iban_masked).to.be.a('string');
      expect(payees.find((x) => x.kind === 'childcare_provider')).to.include({ name: null, iban_masked: null });
      // Art. 15(1): purposes, recipients, retention and source for every section.
      for (const x of body.tables) {
        expect(x.purposes, x.label).to.not.be.empty;
        expect(x.recipients, x.label).to.not.be.empty;
        expect(x.retention, x.label).to.not.be.empty;
        expect(x.source, x.label).to.not.equal('');
      }
      expect(body.notExported.map((x) => x.table)).to.include.members(['batch_claims', 'expense_parts']);
      for (const secret of secrets) expect(r.text, secret).to.not.include(secret);
    });

    it('then the PDF letter tells each of those in plain French, and nothing of anyone else', async () => {
      const pdf = await download(client, `/api/participants/${a.id}/export?format=pdf`);
      expect(pdf.status).to.equal(200);
      const text = pdfText(pdf.bytes).replace(/\s+/g, ' ');
      expect(text)
        .to.include('Invitations et présences')
        .and.include('Atelier remboursements')
        .and.include(`Comité ${tag}`)
        .and.include('présent')
        .and.include('invité');
      expect(text)
        .to.include(c.body.reference)
        .and.include('payée')
        .and.include('14,50 €')
        .and.include('10,00 €')
        .and.include('le montant dépasse le plafond')
        .and.include('Voiture (indemnités kilométriques)');
      expect(text).to.include('ticket.pdf').and.include(`consentement-${tag}.pdf`).and.include(batch.reference);
      for (const m2 of messages) expect(text).to.include(m2.subject);
      expect(text)
        .to.include('Pourquoi')
        .and.include('Qui les voit')
        .and.include('Combien de temps')
        .and.include('D’où elles viennent')
        .and.include('Remboursement des frais');
      for (const secret of secrets) expect(text, secret).to.not.include(secret);
    });

    it('then the ZIP holds the JSON, the PDF and the person’s documents byte for byte', async () => {
      const zip = await download(client, `/api/participants/${a.id}/export?format=zip`);
      expect(zip.status).to.equal(200);
      expect(zip.type).to.equal('application/zip');
      zipBytes = zip.bytes.length;
      const z = unzipped(zip.bytes);
      try {
        expect(z.names).to.include.members(['export.json', 'export.pdf', 'manifest.csv']);
        const docs = z.names.filter((n) => n.startsWith('documents/'));
        expect(docs).to.have.length(2);
        expect(z.read(docs.find((n) => n.includes('receipt_paid'))!).equals(receipt)).to.equal(true);
        expect(z.read(docs.find((n) => n.includes('consent_evidence'))!).equals(evidence)).to.equal(true);
        const json = z.read('export.json').toString('utf8');
        if (body) expect(JSON.parse(json).tables.length).to.equal(body.tables.length);
        expect(pdfText(z.read('export.pdf'))).to.include('Invitations et présences');
        for (const secret of secrets) expect(json, secret).to.not.include(secret);
      } finally {
        z.done();
      }
    });

    it('then each export is audited with its format, an unknown person is 404 and only the DPO gets the ZIP, neither audited', async () => {
      const audits = await db()('audit_events')
        .where({ action: 'participant.exported', record_id: a.id })
        .orderBy('occurred_at')
        .select('data', 'actor_user_id');
      expect(audits.map((x) => x.data.format)).to.deep.equal(['json', 'pdf', 'zip']);
      expect(audits[2].data.completed).to.equal(true);
      expect(audits[2].data.bytes).to.equal(zipBytes);
      expect(audits.every((x) => x.actor_user_id === client.user.id)).to.equal(true);
      // An unknown person is 404, and only the DPO gets the ZIP; neither is audited.
      expect(
        (await download(client, '/api/participants/00000000-0000-4000-8000-000000000000/export?format=zip')).status,
      ).to.equal(404);
      expect((await download(s.finance, `/api/participants/${a.id}/export?format=zip`)).status).to.equal(403);
      expect(
        await db()('audit_events').where({ action: 'participant.exported', record_id: a.id }).count({ n: '*' }),
      ).to.deep.equal([{ n: 3 }]);
    });
  });
});
