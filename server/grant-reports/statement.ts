import { PassThrough, Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { Deps } from '../shared/deps.js';
import { CSV_BOM, centsToCsv, csvCell, csvLine, neutraliseFormula, type CsvValue } from '../shared/csv.js';
import { centsToDecimal, centsToEuros, formatCents } from '../shared/money.js';
import { formatDate } from '../shared/format.js';
import { PdfDocument, type Column } from '../shared/pdf.js';
import { COST_CATEGORY_LABELS, type CostCategory } from '../settings/index.js';
import { countStatementRows, cursorBatches, type GrantRow, type StatementRow } from './repo.js';
import { grantReportsError } from './errors.js';

/** A PDF is built in memory (pdf-lib): beyond this many lines, the CSV or XLSX is the document. */
export const PDF_MAX_ROWS = 20_000;

const label = (c: string) => COST_CATEGORY_LABELS[c as CostCategory] ?? c;

export const STATEMENT_HEADERS = [
  'Date de paiement',
  'Catégorie',
  'Ligne budgétaire',
  'Dépense',
  'Demande',
  'Justificatif ou facture',
  'Participant',
  'Montant',
];

/** The supporting document of a line: the claim's receipt (file hash prefix, its name in the evidence bundle) or the invoice number. */
export function evidenceOf(r: StatementRow): string {
  if (r.source === 'claim_line')
    return r.receipt_sha256 ? `justificatif ${r.receipt_sha256.slice(0, 12)}` : 'sans justificatif (barème)';
  return r.invoice_number || (r.invoice_sha256 ? `facture ${r.invoice_sha256.slice(0, 12)}` : 'facture non saisie');
}

/** The cells of a line, amounts in cents last; no names, ever: the participant reference only. */
export function statementCells(r: StatementRow): [string, string, string, string, string, string, string, number] {
  return [
    r.paid_on === null ? '' : formatDate(r.paid_on),
    label(r.category),
    `${label(r.category)} ${r.year}`,
    r.expense_reference,
    r.claim_reference ?? '',
    evidenceOf(r),
    r.participant_reference ?? '',
    r.amount_cents,
  ];
}

/** Totals per budget line (category × year) and overall, accumulated while the lines stream. */
export class StatementTotals {
  // Per category, then per year: no key string to build for each of a million lines.
  private readonly perLine = new Map<
    string,
    Map<number, { category: string; year: number; cents: number; count: number }>
  >();
  total = 0;
  count = 0;

  add(r: StatementRow): void {
    this.addLine(r.category, r.year, r.amount_cents, 1);
  }

  /** `count` lines of a budget line summing to `cents` (the statement's GROUP BY on the server). */
  addLine(category: string, year: number, cents: number, count: number): void {
    let years = this.perLine.get(category);
    if (!years) this.perLine.set(category, (years = new Map()));
    let t = years.get(year);
    if (!t) years.set(year, (t = { category, year, cents: 0, count: 0 }));
    t.cents += cents;
    t.count += count;
    this.total += cents;
    this.count += count;
  }

  lines(): { label: string; category: string; year: number; cents: number; count: number }[] {
    return [...this.perLine.values()]
      .flatMap((years) => [...years.values()])
      .sort((a, b) => a.year - b.year || a.category.localeCompare(b.category))
      .map((t) => ({ ...t, label: `${label(t.category)} ${t.year}` }));
  }
}

/** Rows of a query in batches from a server-side cursor, in a read transaction of their own. */
export async function* streamRows(
  deps: Deps,
  query: (trx: Knex.Transaction) => Knex.Raw,
  batchSize = 2000,
): AsyncGenerator<StatementRow[]> {
  const trx = await deps.db.transaction();
  try {
    yield* cursorBatches<StatementRow>(trx, query(trx), batchSize);
  } finally {
    if (!trx.isCompleted()) await trx.commit();
  }
}

const dayFr = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
const lineCells = new Map<string, string>();
/** `Catégorie;Ligne budgétaire` as CSV cells, once per category and year (labels are ours: no neutralising needed). */
function lineCsv(category: string, year: number): string {
  const key = `${category}|${year}`;
  let cells = lineCells.get(key);
  if (cells === undefined)
    lineCells.set(key, (cells = `${csvCell(label(category))};${csvCell(`${label(category)} ${year}`)}`));
  return cells;
}

/** csvCell's result, with a cheap check first: most cells need neither quoting nor neutralising. */
function cell(v: string): string {
  if (v === '') return v;
  const c = v.charCodeAt(0);
  if (
    c === 61 ||
    c === 43 ||
    c === 45 ||
    c === 64 ||
    c === 9 ||
    c === 13 ||
    v.includes('"') ||
    v.includes(';') ||
    v.includes(',') ||
    v.includes('\n') ||
    v.includes('\r')
  )
    return csvCell(v);
  return v;
}

/**
 * One statement line in the dialect. The hot path of a million-line export: dates, labels and
 * amounts are formatted directly; every text that comes from the database (references,
 * invoice numbers) is still quoted and neutralised as csvCell does.
 */
export function statementCsvLine(r: StatementRow): string {
  const amount = centsToDecimal(r.amount_cents, ',');
  return `${r.paid_on === null ? '' : dayFr(r.paid_on)};${lineCsv(r.category, r.year)};${cell(r.expense_reference)};${cell(r.claim_reference ?? '')};${cell(evidenceOf(r))};${cell(r.participant_reference ?? '')};${amount}\r\n`;
}

/** What the statement CSV starts with: the BOM and the header line. */
export function statementCsvHead(): string {
  return CSV_BOM + csvLine(STATEMENT_HEADERS);
}

/** What the statement CSV ends with: a total per budget line, the grand total, then the trailer lines. */
export function statementCsvTail(totals: StatementTotals, trailer: CsvValue[][] = []): string {
  let out = '';
  for (const t of totals.lines())
    out += csvLine(['', '', `Total ${t.label}`, '', '', `${t.count} ligne(s)`, '', centsToCsv(t.cents)]);
  out += csvLine(['', '', 'Total général', '', '', `${totals.count} ligne(s)`, '', centsToCsv(totals.total)]);
  for (const t of trailer) out += csvLine(t);
  return out;
}

/**
 * The statement as CSV (French Excel dialect), produced batch by batch, totals at the end. On
 * a PostgreSQL server the grant statement comes from statementCsvByCopy (statement-copy.ts)
 * instead, byte for byte the same.
 */
export async function* statementCsv(
  batches: AsyncIterable<StatementRow[]>,
  trailer: CsvValue[][] = [],
): AsyncGenerator<string> {
  yield statementCsvHead();
  const totals = new StatementTotals();
  for await (const batch of batches) {
    let out = '';
    for (const r of batch) {
      totals.add(r);
      out += statementCsvLine(r);
    }
    yield out;
  }
  yield statementCsvTail(totals, trailer);
}

const xlsxText = (v: string) => neutraliseFormula(v);
function xlsxDate(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

/**
 * The statement as XLSX, written row by row by exceljs' streaming writer (text cells neutralised
 * too). exceljs is loaded on the first XLSX, not when the service starts.
 */
export function statementXlsx(
  batches: AsyncIterable<StatementRow[]>,
  sheetName: string,
  trailer: string[][] = [],
): Readable {
  const out = new PassThrough();
  (async () => {
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const sheet = book.addWorksheet(sheetName.slice(0, 31));
    sheet.columns = STATEMENT_HEADERS.map((h, i) => ({ header: h, width: [14, 16, 22, 18, 18, 28, 16, 14][i] }));
    const totals = new StatementTotals();
    for await (const batch of batches) {
      for (const r of batch) {
        totals.add(r);
        const c = statementCells(r);
        const row = sheet.addRow([
          r.paid_on === null ? null : xlsxDate(r.paid_on),
          ...c.slice(1, 7).map((v) => xlsxText(String(v))),
          centsToEuros(c[7]),
        ]);
        row.getCell(1).numFmt = 'dd/mm/yyyy';
        row.getCell(8).numFmt = '#,##0.00';
        row.commit();
      }
    }
    for (const t of [
      ...totals.lines().map((t) => ({ label: `Total ${t.label}`, cents: t.cents })),
      { label: 'Total général', cents: totals.total },
    ]) {
      const row = sheet.addRow(['', '', t.label, '', '', '', '', centsToEuros(t.cents)]);
      row.font = { bold: true };
      row.getCell(8).numFmt = '#,##0.00';
      row.commit();
    }
    for (const t of trailer) sheet.addRow(t.map(xlsxText)).commit();
    sheet.commit();
    await book.commit();
  })().catch((e) => out.destroy(e));
  return out;
}

/** Header facts shared by the funder documents. */
export function grantFacts(grant: GrantRow): [string, string][] {
  return [
    ['Financeur', grant.funder],
    ['Programme', [grant.programme, grant.axis].filter(Boolean).join(' — ') || '—'],
    ['Convention', grant.agreement_number || '—'],
    ['Référence', grant.reference],
    ['Période de la subvention', `du ${formatDate(grant.period_start)} au ${formatDate(grant.period_end)}`],
    ['Taux de cofinancement', `${(grant.cofunding_rate_bp / 100).toLocaleString('fr-FR')} %`],
  ];
}

// Widths fit a reference (DEP-2026-00012) and a date on one line at 7.5 pt.
export const PDF_COLUMNS: Column[] = [
  { header: 'Payé le', width: 12 },
  { header: 'Ligne budgétaire', width: 22 },
  { header: 'Dépense', width: 18 },
  { header: 'Demande et justificatif, ou facture', width: 24 },
  { header: 'Participant', width: 15 },
  { header: 'Montant', width: 14, align: 'right' },
];

/** Refuses (409) a PDF of more lines than a PDF can reasonably hold. */
export async function assertPdfSize(deps: Deps, grantId: string, from: string, to: string): Promise<number> {
  const n = await countStatementRows(deps.db, grantId, from, to);
  if (n > PDF_MAX_ROWS) throw grantReportsError('statement_too_large_for_pdf', { rows: n, max: PDF_MAX_ROWS });
  return n;
}

/** The statement as PDF: header, every line, totals per budget line, certification. */
export async function statementPdf(
  batches: AsyncIterable<StatementRow[]>,
  options: { grant: GrantRow; orgName: string; from: string; to: string; title?: string; intro?: string },
): Promise<Uint8Array> {
  const title = options.title ?? 'État récapitulatif des dépenses';
  const pdf = await PdfDocument.create(
    `${title} ${options.grant.reference}`,
    `${options.orgName} — ${title.toLowerCase()} — ${options.grant.reference}`,
  );
  pdf.heading(title);
  pdf.facts([
    ['Organisme', options.orgName],
    ...grantFacts(options.grant),
    ['Période déclarée', `du ${formatDate(options.from)} au ${formatDate(options.to)} (dates de paiement)`],
  ]);
  if (options.intro) pdf.paragraph(options.intro, { size: 9.5 });
  const totals = new StatementTotals();
  const rows: string[][] = [];
  for await (const batch of batches) {
    for (const r of batch) {
      totals.add(r);
      const c = statementCells(r);
      rows.push([c[0], c[2], c[3], [c[4], c[5]].filter(Boolean).join(' — '), c[6], formatCents(c[7])]);
    }
  }
  pdf.heading('Dépenses payées', 2);
  pdf.table(
    PDF_COLUMNS,
    rows.length ? rows : [['—', 'Aucune dépense payée sur la période', '', '', '', formatCents(0)]],
    7.5,
  );
  pdf.heading('Totaux par ligne budgétaire', 2);
  pdf.table(
    [
      { header: 'Ligne budgétaire', width: 50 },
      { header: 'Lignes', width: 15, align: 'right' },
      { header: 'Montant', width: 35, align: 'right' },
    ],
    [
      ...totals.lines().map((t) => [t.label, String(t.count), formatCents(t.cents)]),
      ['Total général', String(totals.count), formatCents(totals.total)],
    ],
  );
  pdf.paragraph(
    'Les participants sont désignés par leur référence (P-…), jamais par leur nom. Les justificatifs sont joints au dossier de preuves de la période.',
    { size: 9 },
  );
  pdf.signature('Certifié exact — l’ordonnateur ou le représentant légal (nom, date, signature)');
  return pdf.save();
}
