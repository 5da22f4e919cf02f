import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { frenchIban } from '../../server/demo/consents.js';
import { sepaAmount, sepaId, sepaText } from '../../server/payments/sepa.js';
import { toLocal } from '../../server/shared/dates.js';
import { approvedClaim, attendee, download, exportedBatch, mileage, payingSetup } from './helpers.js';

interface XmlNode {
  name: string;
  attrs: string;
  children: XmlNode[];
  text: string;
}

/** A tiny XML reader for the files we write (no comments, no CDATA): enough to check order and content. */
function parseXml(xml: string): XmlNode {
  const root: XmlNode = { name: '#root', attrs: '', children: [], text: '' };
  const stack = [root];
  const re = /<(\/?)([A-Za-z0-9:]+)([^>]*?)(\/?)>|([^<]+)/g;
  for (const m of xml.replace(/^<\?xml[^>]*\?>/, '').matchAll(re)) {
    const top = stack[stack.length - 1];
    if (m[5] !== undefined) {
      top.text += m[5].trim();
      continue;
    }
    if (m[1]) {
      stack.pop();
      continue;
    }
    const node: XmlNode = { name: m[2], attrs: m[3], children: [], text: '' };
    top.children.push(node);
    if (!m[4]) stack.push(node);
  }
  return root.children[0];
}
const child = (n: XmlNode, name: string) => n.children.find((c) => c.name === name)!;
const path = (n: XmlNode, ...names: string[]) => names.reduce((x, name) => child(x, name), n);
const order = (n: XmlNode) => n.children.map((c) => c.name);
const SEPA_CHARS = /^[A-Za-z0-9/\-?:().,'+ ]*$/;

function allText(n: XmlNode): string[] {
  return [n.text, ...n.children.flatMap(allText)].filter(Boolean);
}

const DEBTOR_IBAN = frenchIban('30001', '00064', '00000012345');

describe('payments: SEPA files', () => {
  let restore: Record<string, unknown>;
  before(async () => {
    const admin = await signedIn('admin');
    const current = (await admin.get('/api/settings')).body.settings;
    restore = { payerMode: current.payerMode, sepaVersion: current.sepaVersion, debtor: current.debtor };
  });
  after(async () => {
    const admin = await signedIn('admin');
    await admin.patch('/api/settings', restore);
  });

  it('when text goes into a SEPA file, then accents are transliterated, other characters dropped, ids kept safe', () => {
    expect(sepaText('Éloïse Nguyễn & Œuvray — d’Aubigné', 70)).to.equal("Eloise Nguyen + Oeuvray - d'Aubigne");
    expect(sepaText('Łukasz Ağaoğlu <script>', 70)).to.equal('Lukasz Agaoglu script');
    expect(sepaText('x'.repeat(200), 140)).to.have.length(140);
    expect(sepaId('/B-2026-00001//R-2026-00001/')).to.equal('B-2026-00001/R-2026-00001');
    expect(sepaAmount(9309)).to.equal('93.09');
    expect(sepaAmount(5)).to.equal('0.05');
    expect(sepaAmount(100000)).to.equal('1000.00');
  });

  for (const version of ['pain.001.001.09', 'pain.001.001.03'] as const) {
    it(`when a 3-payee batch is exported as ${version}, then the file matches the hand-checked amounts, sums, ids, order, lengths and character set, and is the same when downloaded again`, async () => {
      const admin = await signedIn('admin');
      const set = await admin.patch('/api/settings', {
        payerMode: 'sepa_transfer',
        sepaVersion: version,
        debtor: { name: 'Régie d’avances — Département', iban: DEBTOR_IBAN, bic: 'BDFEFRPPCCT' },
      });
      expect(set.status, set.text).to.equal(200);
      const s = await payingSetup();
      const a = await attendee(s, { firstName: 'Éloïse', lastName: 'Nguyễn', bic: 'CEPAFRPP751' });
      const b = await attendee(s, { firstName: 'Zoë', lastName: 'Œuvray-d’Aubigné' });
      const c = await attendee(s, { firstName: 'Łukasz', lastName: 'Ağaoğlu' });
      // Hand-checked (≤ 5 CV, first 2,000 km of the year at 0,32 €/km): 42 km = 13,44 €; 100 km = 32,00 €; 25,5 km = 8,16 €; 123,4 km = 39,49 € (39,488 rounded half up).
      const a1 = await approvedClaim(s, a.id, [mileage(420)]);
      const a2 = await approvedClaim(s, a.id, [mileage(1000)]);
      const b1 = await approvedClaim(s, b.id, [mileage(255)]);
      const c1 = await approvedClaim(s, c.id, [mileage(1234)]);
      expect([a1.amountCents, a2.amountCents, b1.amountCents, c1.amountCents]).to.deep.equal([1344, 3200, 816, 3949]);
      const batch = await exportedBatch(s, [c1.id, b1.id, a2.id, a1.id]);
      expect(batch.fileFormat).to.equal(version);
      expect(batch.paymentCount).to.equal(3);
      expect(batch.totalCents).to.equal(9309);

      const file = await download(s.finance, `/api/payment-batches/${batch.id}/sepa.xml`);
      expect(file.status).to.equal(200);
      expect(file.type).to.include('application/xml');
      const xml = file.bytes.toString('utf8');
      expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).to.equal(true);
      const doc = parseXml(xml);
      expect(doc.name).to.equal('Document');
      expect(doc.attrs).to.include(`urn:iso:std:iso:20022:tech:xsd:${version}`);
      const init = child(doc, 'CstmrCdtTrfInitn');
      const hdr = child(init, 'GrpHdr');
      expect(order(hdr)).to.deep.equal(['MsgId', 'CreDtTm', 'NbOfTxs', 'CtrlSum', 'InitgPty']);
      expect(child(hdr, 'MsgId').text).to.equal(batch.reference);
      const exported = toLocal(new Date(batch.exportedAt));
      expect(child(hdr, 'CreDtTm').text).to.equal(`${exported.date}T${exported.time}:00`);
      expect(child(hdr, 'NbOfTxs').text).to.equal('3');
      expect(child(hdr, 'CtrlSum').text).to.equal('93.09');
      const pmt = child(init, 'PmtInf');
      expect(order(pmt)).to.deep.equal([
        'PmtInfId',
        'PmtMtd',
        'NbOfTxs',
        'CtrlSum',
        'PmtTpInf',
        'ReqdExctnDt',
        'Dbtr',
        'DbtrAcct',
        'DbtrAgt',
        'ChrgBr',
        'CdtTrfTxInf',
        'CdtTrfTxInf',
        'CdtTrfTxInf',
      ]);
      expect(child(pmt, 'PmtInfId').text).to.equal(`${batch.reference}-VIR`);
      expect(child(pmt, 'NbOfTxs').text).to.equal('3');
      expect(child(pmt, 'CtrlSum').text).to.equal('93.09');
      expect(
        version === 'pain.001.001.09' ? path(pmt, 'ReqdExctnDt', 'Dt').text : child(pmt, 'ReqdExctnDt').text,
      ).to.equal(exported.date);
      expect(path(pmt, 'Dbtr', 'Nm').text).to.equal("Regie d'avances - Departement");
      expect(path(pmt, 'DbtrAcct', 'Id', 'IBAN').text).to.equal(DEBTOR_IBAN);
      expect(path(pmt, 'DbtrAgt', 'FinInstnId', version === 'pain.001.001.09' ? 'BICFI' : 'BIC').text).to.equal(
        'BDFEFRPPCCT',
      );
      const txs = pmt.children.filter((n) => n.name === 'CdtTrfTxInf');
      const amounts = txs.map((t) => path(t, 'Amt', 'InstdAmt'));
      expect(amounts.map((x) => x.text)).to.deep.equal(['45.44', '8.16', '39.49']);
      expect(amounts.every((x) => x.attrs.includes('Ccy="EUR"'))).to.equal(true);
      expect(txs.map((t) => path(t, 'Cdtr', 'Nm').text)).to.deep.equal([
        'Eloise Nguyen',
        "Zoe Oeuvray-d'Aubigne",
        'Lukasz Agaoglu',
      ]);
      expect(txs.map((t) => path(t, 'CdtrAcct', 'Id', 'IBAN').text)).to.deep.equal([a.iban, b.iban, c.iban]);
      expect(txs.map((t) => path(t, 'PmtId', 'EndToEndId').text)).to.deep.equal([
        `${batch.reference}/${[a1.reference, a2.reference].sort()[0]}+1`,
        `${batch.reference}/${b1.reference}`,
        `${batch.reference}/${c1.reference}`,
      ]);
      expect(txs.map((t) => path(t, 'RmtInf', 'Ustrd').text)).to.deep.equal(
        Array(3).fill('Remboursement frais atelier 12/03/2026'),
      );
      expect(order(txs[0])).to.deep.equal(['PmtId', 'Amt', 'CdtrAgt', 'Cdtr', 'CdtrAcct', 'RmtInf']);
      expect(order(txs[1])).to.deep.equal(['PmtId', 'Amt', 'Cdtr', 'CdtrAcct', 'RmtInf']);
      // Sums in cents, exactly; every text in the SEPA character set and within its length.
      expect(amounts.reduce((sum, x) => sum + Number(x.text.replace('.', '')), 0)).to.equal(9309);
      for (const t of allText(doc)) expect(SEPA_CHARS.test(t), t).to.equal(true);
      for (const id of [child(hdr, 'MsgId'), child(pmt, 'PmtInfId'), ...txs.map((t) => path(t, 'PmtId', 'EndToEndId'))])
        expect(id.text.length).to.be.at.most(35);
      for (const t of txs) expect(path(t, 'Cdtr', 'Nm').text.length).to.be.at.most(70);

      const again = await download(s.finance, `/api/payment-batches/${batch.id}/sepa.xml`);
      expect(again.bytes.equals(file.bytes)).to.equal(true);
      expect((await s.finance.post(`/api/payment-batches/${batch.id}/export`, {})).status).to.equal(200);
      expect(
        (await download(s.finance, `/api/payment-batches/${batch.id}/sepa.xml`)).bytes.equals(file.bytes),
      ).to.equal(true);
      const audits = await ctx()
        .deps.db('audit_events')
        .where({ action: 'payment_batch.file_downloaded', record_id: batch.id });
      expect(audits).to.have.length(3);
      expect(audits[0].data.sha256).to.equal(createHash('sha256').update(file.bytes).digest('hex'));
      expect(JSON.stringify(audits)).not.to.include(a.iban!).and.not.to.include('Nguy');
    });
  }
});
