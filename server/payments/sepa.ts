/**
 * SEPA credit transfer initiation files (ISO 20022 `pain.001.001.09`, or `.03`), written by
 * hand: no package ships the XSD, so the rule-based tests check element order, lengths,
 * character set and sums. Everything here is deterministic: the same batch gives the same bytes.
 */

export type SepaVersion = 'pain.001.001.09' | 'pain.001.001.03';

export interface SepaTransfer {
  endToEndId: string;
  amountCents: number;
  name: string;
  iban: string;
  bic: string | null;
  remittance: string;
}

export interface SepaFile {
  version: SepaVersion;
  messageId: string;
  paymentInfoId: string;
  /** Local date-time of creation, `YYYY-MM-DDTHH:MM:SS` (the export instant, fixed). */
  createdAt: string;
  executionDate: string;
  initiatorName: string;
  debtor: { name: string; iban: string; bic: string | null };
  transfers: SepaTransfer[];
}

const LIGATURES: Record<string, string> = { œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ß: 'ss', ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ı: 'i', '’': "'", '‘': "'", '–': '-', '—': '-', '&': '+' };

/**
 * Text in the SEPA character set (a–z A–Z 0–9 / - ? : ( ) . , ' + space): accents are
 * transliterated (é → e, œ → oe), anything else is dropped, spaces collapsed, then cut to `max`.
 */
export function sepaText(value: string, max: number): string {
  const latin = value.replace(/[œŒæÆßłŁøØđĐı’‘–—&]/g, (c) => LIGATURES[c]).normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return latin.replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, '').replace(/\s+/g, ' ').trim().slice(0, max).trim();
}

/** An identifier (MsgId, EndToEndId…): SEPA characters, at most 35, never starting or ending with `/` nor holding `//`. */
export function sepaId(value: string): string {
  return sepaText(value, 35).replace(/ /g, '').replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '');
}

/** `12345` cents → `123.45` (integer arithmetic, no float). */
export function sepaAmount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function agent(version: SepaVersion, bic: string | null, pad: string): string {
  const tag = version === 'pain.001.001.09' ? 'BICFI' : 'BIC';
  return bic ? `${pad}<FinInstnId><${tag}>${esc(bic)}</${tag}></FinInstnId>` : `${pad}<FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId>`;
}

/** The XML document: one group header, one payment information block, one transaction per payment. */
export function sepaXml(f: SepaFile): string {
  if (f.transfers.length === 0) throw new Error('a SEPA file needs at least one transfer');
  const total = f.transfers.reduce((s, t) => s + t.amountCents, 0);
  const v09 = f.version === 'pain.001.001.09';
  const nb = String(f.transfers.length);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${f.version}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
    '  <CstmrCdtTrfInitn>',
    '    <GrpHdr>',
    `      <MsgId>${esc(sepaId(f.messageId))}</MsgId>`,
    `      <CreDtTm>${f.createdAt}</CreDtTm>`,
    `      <NbOfTxs>${nb}</NbOfTxs>`,
    `      <CtrlSum>${sepaAmount(total)}</CtrlSum>`,
    `      <InitgPty><Nm>${esc(sepaText(f.initiatorName, 70))}</Nm></InitgPty>`,
    '    </GrpHdr>',
    '    <PmtInf>',
    `      <PmtInfId>${esc(sepaId(f.paymentInfoId))}</PmtInfId>`,
    '      <PmtMtd>TRF</PmtMtd>',
    `      <NbOfTxs>${nb}</NbOfTxs>`,
    `      <CtrlSum>${sepaAmount(total)}</CtrlSum>`,
    '      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>',
    v09 ? `      <ReqdExctnDt><Dt>${f.executionDate}</Dt></ReqdExctnDt>` : `      <ReqdExctnDt>${f.executionDate}</ReqdExctnDt>`,
    `      <Dbtr><Nm>${esc(sepaText(f.debtor.name, 70))}</Nm></Dbtr>`,
    `      <DbtrAcct><Id><IBAN>${esc(f.debtor.iban)}</IBAN></Id></DbtrAcct>`,
    `      <DbtrAgt>${agent(f.version, f.debtor.bic, '')}</DbtrAgt>`,
    '      <ChrgBr>SLEV</ChrgBr>',
  ];
  for (const t of f.transfers) {
    lines.push(
      '      <CdtTrfTxInf>',
      `        <PmtId><EndToEndId>${esc(sepaId(t.endToEndId))}</EndToEndId></PmtId>`,
      `        <Amt><InstdAmt Ccy="EUR">${sepaAmount(t.amountCents)}</InstdAmt></Amt>`,
      ...(t.bic ? [`        <CdtrAgt>${agent(f.version, t.bic, '')}</CdtrAgt>`] : []),
      `        <Cdtr><Nm>${esc(sepaText(t.name, 70))}</Nm></Cdtr>`,
      `        <CdtrAcct><Id><IBAN>${esc(t.iban)}</IBAN></Id></CdtrAcct>`,
      `        <RmtInf><Ustrd>${esc(sepaText(t.remittance, 140))}</Ustrd></RmtInf>`,
      '      </CdtTrfTxInf>',
    );
  }
  lines.push('    </PmtInf>', '  </CstmrCdtTrfInitn>', '</Document>', '');
  return lines.join('\n');
}
