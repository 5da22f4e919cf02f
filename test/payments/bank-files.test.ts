import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { ctx } from '../helpers/context.js';
import { systemActing } from '../../server/shared/acting.js';
import { settingsLoader } from '../../server/settings/index.js';
import { signedIn } from '../helpers/factories.js';
import { validateStoredBankFiles, xsdErrors } from '../helpers/bank-files.js';
import { frenchIban } from '../../server/demo/consents.js';
import { sepaText, sepaXml, type SepaVersion } from '../../server/payments/sepa.js';
import { sha256Hex } from '../../server/shared/crypto.js';
import { anonymiseParticipants } from '../../server/privacy/lifecycle.js';
import { freshIban } from '../payees/ibans.js';
import { approvedClaim, attendee, download, exportedBatch, payingSetup } from './helpers.js';

const DEBTOR_IBAN = frenchIban('30001', '00064', '00000054321');
const VERSIONS: SepaVersion[] = ['pain.001.001.09', 'pain.001.001.03'];

/** A file written by `sepaXml` for one transfer to `name`. */
function oneTransfer(version: SepaVersion, name: string): string {
  return sepaXml({
    version,
    messageId: 'B-2026-00001',
    paymentInfoId: 'B-2026-00001-VIR',
    createdAt: '2026-03-12T10:00:00',
    executionDate: '2026-03-12',
    initiatorName: 'Département',
    debtor: { name: 'Régie d’avances', iban: DEBTOR_IBAN, bic: 'BDFEFRPPCCT' },
    transfers: [
      {
        endToEndId: 'B-2026-00001/R-2026-00001',
        amountCents: 1344,
        name,
        iban: frenchIban('30004', '00001', '00000000001'),
        bic: null,
        remittance: 'Remboursement frais atelier 12/03/2026',
      },
    ],
  });
}

async function sepaMode(version: SepaVersion) {
  const admin = await signedIn('admin');
  const set = await admin.patch('/api/settings', {
    payerMode: 'sepa_transfer',
    sepaVersion: version,
    debtor: { name: 'Régie d’avances du Département', iban: DEBTOR_IBAN, bic: 'BDFEFRPPCCT' },
  });
  expect(set.status, set.text).to.equal(200);
  return admin;
}

describe('payments: bank files are valid, or not produced, and never change', () => {
  let restore: Record<string, unknown>;
  before(async () => {
    const current = (await (await signedIn('admin')).get('/api/settings')).body.settings;
    restore = { payerMode: current.payerMode, sepaVersion: current.sepaVersion, debtor: current.debtor };
  });
  after(async () => {
    await (await signedIn('admin')).patch('/api/settings', restore);
  });

  it('when a file holds the issue’s <Nm></Nm>, then xmllint refuses it against the ISO 20022 and EPC schemas (the validator can fail)', () => {
    for (const version of VERSIONS) {
      const good = oneTransfer(version, 'Ivan Petrov');
      expect(xsdErrors([{ name: 'good', xml: good }]), version).to.deep.equal([]);
      const empty = good.replace('<Nm>Ivan Petrov</Nm>', '<Nm></Nm>');
      const errors = xsdErrors([{ name: 'issue', xml: empty }]);
      expect(errors.join('\n')).to.include('issue').and.include('minLength');
      const schemas = new Set(errors.filter((e) => e.includes('minLength')).map((e) => /^\[([^\]]+)\]/.exec(e)![1]));
      expect([...schemas].sort(), version).to.deep.equal(
        version === 'pain.001.001.09' ? ['epc_pain.001.001.09.xsd', 'pain.001.001.09.xsd'] : ['pain.001.001.03.xsd'],
      );
    }
  });

  it('when names in any script go into a SEPA text, then any-ascii transliterates them to the EPC Latin set within the maximum length, or to nothing', () => {
    expect(sepaText('Иван Петров', 70)).to.equal('Ivan Petrov');
    expect(sepaText('Ελένη Παπαδοπούλου', 70)).to.equal('Eleni Papadopoyloy');
    expect(sepaText('李小龙', 70)).to.equal('LiXiaoLong');
    expect(sepaText('Nguyễn\tThị  Ánh', 70)).to.equal('Nguyen Thi Anh');
    expect(sepaText('Жан-Пьер Ёлкин'.repeat(10), 70)).to.have.length.at.most(70);
    expect(sepaText('🌻 🌼', 70)).to.equal('');
    expect(() => oneTransfer('pain.001.001.09', '🌻')).to.throw(/transfers\.0\.name/);
  });

  for (const version of VERSIONS) {
    it(`when « Иван Петров » is paid in a ${version} file, then the creditor is <Nm>Ivan Petrov</Nm> and the frozen file passes the schemas`, async () => {
      await sepaMode(version);
      const s = await payingSetup();
      const ivan = await attendee(s, { firstName: 'Иван', lastName: 'Петров' });
      const claim = await approvedClaim(s, ivan.id);
      const batch = await exportedBatch(s, [claim.id]);
      const file = await download(s.finance, `/api/payment-batches/${batch.id}/sepa.xml`);
      expect(file.status).to.equal(200);
      const xml = file.bytes.toString('utf8');
      expect(xml).to.include('<Cdtr><Nm>Ivan Petrov</Nm></Cdtr>').and.not.include('<Nm></Nm>');
      expect(xsdErrors([{ name: batch.reference, xml }])).to.deep.equal([]);
      // The root hook validates every stored file after each test; this one is new.
      expect(await validateStoredBankFiles()).to.equal(1);
    });
  }

  it('when a payee’s name has no Latin character at all, then the export is refused with a 409 naming the payee, the batch stays open with no file, and a Latin name fixes it', async () => {
    await sepaMode('pain.001.001.09');
    const s = await payingSetup();
    const ok = await attendee(s, { firstName: 'Zoé', lastName: 'Martin' });
    const flower = await attendee(s, { firstName: '🌻', lastName: '🌼' });
    const claims = [await approvedClaim(s, ok.id), await approvedClaim(s, flower.id)];
    const built = await s.finance.post('/api/payment-batches', { claimIds: claims.map((c) => c.id), kind: 'transfer' });
    expect(built.status, built.text).to.equal(201);
    const refused = await s.finance.post(`/api/payment-batches/${built.body.id}/export`, {});
    expect(refused.status, refused.text).to.equal(409);
    expect(refused.body.error.code).to.equal('sepa_field_empty');
    const position = built.body.payments.find((p: { participantId: string }) => p.participantId === flower.id).position;
    expect(refused.body.error.message).to.include(`n° ${position} « 🌻 🌼 »`).and.include('alphabet latin');
    expect(refused.body.error.details).to.deep.equal([
      {
        field: `payments.${position - 1}.payeeName`,
        message: '« 🌻 🌼 » : aucun caractère de l’alphabet latin utilisable dans un virement SEPA',
      },
    ]);
    const db = ctx().deps.db;
    const row = await db('payment_batches').where({ id: built.body.id }).first();
    expect(row).to.include({ status: 'open', sepa_file_id: null, exported_at: null });
    const [{ n: snapshots }] = await db('payments')
      .where({ batch_id: built.body.id })
      .whereNotNull('payee_name_snapshot')
      .count({ n: '*' });
    expect(Number(snapshots)).to.equal(0);
    expect(
      await db('audit_events').where({ action: 'payment_batch.exported', record_id: built.body.id }),
    ).to.have.length(0);

    const fixed = await s.staff.patch(`/api/payees/${flower.payeeId}`, { name: 'Tournesol Marguerite' });
    expect(fixed.status, fixed.text).to.equal(200);
    const exported = await s.finance.post(`/api/payment-batches/${built.body.id}/export`, {});
    expect(exported.status, exported.text).to.equal(200);
    const xml = (await download(s.finance, `/api/payment-batches/${built.body.id}/sepa.xml`)).bytes.toString('utf8');
    expect(xml).to.include('<Nm>Tournesol Marguerite</Nm>').and.include('<Nm>Zoe Martin</Nm>');
  });

  it('when the debtor account, the SEPA version and the payee change after export, then every download gives the same bytes and SHA-256, stored encrypted', async () => {
    const admin = await sepaMode('pain.001.001.09');
    const s = await payingSetup();
    const person = await attendee(s, { firstName: 'Éloïse', lastName: 'Fixe' });
    const batch = await exportedBatch(s, [(await approvedClaim(s, person.id)).id]);
    const first = await download(s.finance, `/api/payment-batches/${batch.id}/sepa.xml`);
    expect(first.status).to.equal(200);

    const moved = await admin.patch('/api/settings', {
      sepaVersion: 'pain.001.001.03',
      debtor: { name: 'Autre régie', iban: frenchIban('30002', '00550', '00001234567'), bic: 'CRLYFRPP' },
    });
    expect(moved.status, moved.text).to.equal(200);
    const payee = await s.staff.patch(`/api/payees/${person.payeeId}`, {
      iban: freshIban(),
      name: 'Nouveau Titulaire',
    });
    expect(payee.status, payee.text).to.equal(200);
    const later = await download(s.finance, `/api/payment-batches/${batch.id}/sepa.xml`);
    expect(later.status).to.equal(200);
    expect(later.bytes.equals(first.bytes)).to.equal(true);
    expect(later.bytes.toString('utf8'))
      .to.include(DEBTOR_IBAN)
      .and.include(person.iban!)
      .and.include('<Nm>Eloise Fixe</Nm>');

    const db = ctx().deps.db;
    const { sepa_file_id: fileId } = await db('payment_batches').where({ id: batch.id }).first('sepa_file_id');
    const stored = await db('files').where({ id: fileId }).first();
    expect(stored).to.include({
      purpose: 'payment_file',
      media_type: 'application/xml',
      key_id: 'k1',
      sha256: sha256Hex(first.bytes),
      size_bytes: first.bytes.length,
    });
    expect(stored.content.includes(Buffer.from(person.iban!))).to.equal(false);
    expect(stored.content.includes(Buffer.from('Eloise'))).to.equal(false);
    const audits = await db('audit_events')
      .where({ record_id: batch.id })
      .whereIn('action', ['payment_batch.exported', 'payment_batch.file_downloaded'])
      .orderBy('occurred_at');
    expect(audits.map((a) => a.data.sha256)).to.deep.equal([stored.sha256, stored.sha256, stored.sha256]);
  });

  it('when a batch was exported without a SEPA file (accounting-export mode, or before files were frozen), then its first SEPA download freezes one and later ones return it unchanged', async () => {
    const admin = await signedIn('admin');
    expect(
      (
        await admin.patch('/api/settings', {
          payerMode: 'accounting_export',
          debtor: { name: 'Régie', iban: null, bic: null },
        })
      ).status,
    ).to.equal(200);
    const s = await payingSetup();
    const person = await attendee(s, { firstName: 'Ольга', lastName: 'Тардива' });
    const batch = await exportedBatch(s, [(await approvedClaim(s, person.id)).id]);
    expect(batch.fileFormat).to.equal('accounting_export');
    const db = ctx().deps.db;
    expect((await db('payment_batches').where({ id: batch.id }).first()).sepa_file_id).to.equal(null);
    const none = await s.finance.get(`/api/payment-batches/${batch.id}/sepa.xml`);
    expect(none.status).to.equal(409);
    expect(none.body.error.code).to.equal('sepa_not_available');

    await sepaMode('pain.001.001.03');
    const first = await download(s.finance, `/api/payment-batches/${batch.id}/sepa.xml`);
    expect(first.status).to.equal(200);
    expect(first.bytes.toString('utf8')).to.include("<Nm>Ol'ga Tardiva</Nm>").and.include('pain.001.001.03');
    await admin.patch('/api/settings', {
      sepaVersion: 'pain.001.001.09',
      debtor: { name: 'Autre', iban: frenchIban('30002', '00550', '00001234567'), bic: null },
    });
    const again = await download(s.finance, `/api/payment-batches/${batch.id}/sepa.xml`);
    expect(again.bytes.equals(first.bytes)).to.equal(true);
    expect(await db('files').where({ purpose: 'payment_file', sha256: sha256Hex(first.bytes) })).to.have.length(1);
  });

  it('when the people of an exported batch are anonymised, then only the file’s SHA-256 remains and a download answers 410 with it', async () => {
    await sepaMode('pain.001.001.09');
    const s = await payingSetup();
    const person = await attendee(s, { firstName: 'Oubli', lastName: 'Total' });
    const batch = await exportedBatch(s, [(await approvedClaim(s, person.id)).id]);
    const file = await download(s.finance, `/api/payment-batches/${batch.id}/sepa.xml`);
    const sha256 = sha256Hex(file.bytes);
    await validateStoredBankFiles(); // before its content goes
    // Anonymisation is for people with nothing left to pay (docs/domain.md#erasure-and-withdrawal): the batch is paid first.
    expect((await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {})).status).to.equal(200);
    const db = ctx().deps.db;
    const acting = systemActing({ now: new Date(), settings: settingsLoader(db), runId: 'test' });
    await db.transaction((trx) => anonymiseParticipants(trx, acting, [person.id]));
    const { sepa_file_id: fileId } = await db('payment_batches').where({ id: batch.id }).first('sepa_file_id');
    const row = await db('files').where({ id: fileId }).first();
    expect(row.content).to.equal(null);
    expect(row.erased_at).to.be.instanceOf(Date);
    expect(row.sha256).to.equal(sha256);
    const gone = await s.finance.get(`/api/payment-batches/${batch.id}/sepa.xml`);
    expect(gone.status).to.equal(410);
    expect(gone.body.error.code).to.equal('payment_file_erased');
    expect(gone.body.error.message).to.include(sha256);
    expect(gone.body.error.details).to.deep.equal([{ field: 'sha256', message: sha256 }]);
    const page = await s.finance.get(`/payments/${batch.id}`);
    expect(page.text).to.include(sha256).and.include('effacé');
  });

  it('when the server code is read, then only bank-file.ts writes a SEPA file or stores a payment file (every download reads the frozen one)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (
          p.endsWith('.ts') &&
          !p.endsWith(path.join('payments', 'bank-file.ts')) &&
          !p.endsWith(path.join('payments', 'sepa.ts'))
        ) {
          const text = fs.readFileSync(p, 'utf8');
          if (/\bsepaXml\(|'payment_file'/.test(text) && !p.includes(`${path.sep}privacy${path.sep}`))
            offenders.push(p);
        }
      }
    };
    walk(path.resolve('server'));
    expect(offenders).to.deep.equal([]);
    expect(fs.readFileSync(path.resolve('server/payments/download.ts'), 'utf8')).to.match(/bankFileBytes\(/);
  });
});
