/**
 * SEPA credit transfer initiation files (ISO 20022 `pain.001.001.09`, or `.03`), written by
 * hand. The tests check element order, lengths, character set and sums, and validate every
 * file the suite produces against the ISO 20022 and EPC schemas (`test/fixtures/xsd/`).
 * Everything here is deterministic: the same batch gives the same bytes.
 */

import anyAscii from 'any-ascii';
import { centsToDecimal } from '../shared/money.js';

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

/** Maximum lengths of the texts we write (ISO 20022 `Max35Text`, `Max70Text`, `Max140Text`). */
export const SEPA_MAX = { id: 35, name: 70, remittance: 140 } as const;

/** The EPC Latin character set of SEPA files (EPC217-08): anything else is refused by the EPC schema. */
const EPC_LATIN = /[^A-Za-z0-9/\-?:().,'+ ]/g;

/**
 * Text in the SEPA character set (a–z A–Z 0–9 / - ? : ( ) . , ' + space), within `max`
 * characters. Any script is transliterated first with `any-ascii` (« Иван Петров » → « Ivan
 * Petrov », é → e, œ → oe, 李 → Li): a table per code point, so the same name always gives the
 * same text. Pictographs (emoji) are dropped rather than spelt out, `&` becomes `+`; what is
 * still outside the set is dropped, spaces collapsed. The result may be empty: callers of a
 * required field refuse it (see `sepaBlankFields`).
 */
export function sepaText(value: string, max: number): string {
  const ascii = anyAscii(value.replace(/\p{Extended_Pictographic}/gu, ' ').replace(/&/g, '+'));
  return ascii.replace(/\s+/g, ' ').replace(EPC_LATIN, '').replace(/ {2,}/g, ' ').trim().slice(0, max).trim();
}

/** An identifier (MsgId, EndToEndId…): SEPA characters, at most 35, never starting or ending with `/` nor holding `//`. */
export function sepaId(value: string): string {
  return sepaText(value, SEPA_MAX.id)
    .replace(/ /g, '')
    .replace(/\/{2,}/g, '/')
    .replace(/^\/+|\/+$/g, '');
}

/** `12345` cents → `123.45` (integer arithmetic, no float). */
export function sepaAmount(cents: number): string {
  return centsToDecimal(cents, '.');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function agent(version: SepaVersion, bic: string | null, pad: string): string {
  const tag = version === 'pain.001.001.09' ? 'BICFI' : 'BIC';
  return bic
    ? `${pad}<FinInstnId><${tag}>${esc(bic)}</${tag}></FinInstnId>`
    : `${pad}<FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId>`;
}

/** A required text of the file that is empty once in the SEPA character set: `transfers.2.name`, `debtor.name`… */
export interface BlankField {
  field: string;
  /** Index of the transfer, or null for a field of the whole file. */
  transfer: number | null;
}

/**
 * The required texts that would be empty in the file (`<Nm></Nm>`, which every schema
 * refuses): a name written only in characters that transliterate to nothing, an empty
 * reference. `sepaXml` refuses to write a file while this list is not empty.
 */
export function sepaBlankFields(f: SepaFile): BlankField[] {
  const blank: BlankField[] = [];
  const check = (value: string | null | undefined, max: number, field: string, transfer: number | null, id = false) => {
    if (!value || (id ? sepaId(value) : sepaText(value, max)) === '') blank.push({ field, transfer });
  };
  check(f.messageId, SEPA_MAX.id, 'messageId', null, true);
  check(f.paymentInfoId, SEPA_MAX.id, 'paymentInfoId', null, true);
  check(f.initiatorName, SEPA_MAX.name, 'initiatorName', null);
  check(f.debtor.name, SEPA_MAX.name, 'debtor.name', null);
  check(f.debtor.iban, SEPA_MAX.id, 'debtor.iban', null);
  f.transfers.forEach((t, i) => {
    check(t.endToEndId, SEPA_MAX.id, `transfers.${i}.endToEndId`, i, true);
    check(t.name, SEPA_MAX.name, `transfers.${i}.name`, i);
    check(t.iban, SEPA_MAX.id, `transfers.${i}.iban`, i);
    check(t.remittance, SEPA_MAX.remittance, `transfers.${i}.remittance`, i);
  });
  return blank;
}

/**
 * The XML document: one group header, one payment information block, one transaction per
 * payment. Never writes a file with an empty required text: it throws instead (callers check
 * `sepaBlankFields` first and answer a 409 naming the payee).
 */
export function sepaXml(f: SepaFile): string {
  if (f.transfers.length === 0) throw new Error('a SEPA file needs at least one transfer');
  const blank = sepaBlankFields(f);
  if (blank.length)
    throw new Error(`a SEPA file cannot hold empty required texts: ${blank.map((b) => b.field).join(', ')}`);
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
    `      <InitgPty><Nm>${esc(sepaText(f.initiatorName, SEPA_MAX.name))}</Nm></InitgPty>`,
    '    </GrpHdr>',
    '    <PmtInf>',
    `      <PmtInfId>${esc(sepaId(f.paymentInfoId))}</PmtInfId>`,
    '      <PmtMtd>TRF</PmtMtd>',
    `      <NbOfTxs>${nb}</NbOfTxs>`,
    `      <CtrlSum>${sepaAmount(total)}</CtrlSum>`,
    '      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>',
    v09
      ? `      <ReqdExctnDt><Dt>${f.executionDate}</Dt></ReqdExctnDt>`
      : `      <ReqdExctnDt>${f.executionDate}</ReqdExctnDt>`,
    `      <Dbtr><Nm>${esc(sepaText(f.debtor.name, SEPA_MAX.name))}</Nm></Dbtr>`,
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
      `        <Cdtr><Nm>${esc(sepaText(t.name, SEPA_MAX.name))}</Nm></Cdtr>`,
      `        <CdtrAcct><Id><IBAN>${esc(t.iban)}</IBAN></Id></CdtrAcct>`,
      `        <RmtInf><Ustrd>${esc(sepaText(t.remittance, SEPA_MAX.remittance))}</Ustrd></RmtInf>`,
      '      </CdtTrfTxInf>',
    );
  }
  lines.push('    </PmtInf>', '  </CstmrCdtTrfInitn>', '</Document>', '');
  return lines.join('\n');
}
