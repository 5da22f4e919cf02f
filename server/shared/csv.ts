/**
 * CSV in the French Excel dialect: UTF-8 with BOM, `;` separator, CRLF, `,` decimals (the
 * caller formats amounts with `centsToCsv`). Cells that a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or carriage return) are neutralised with a leading quote.
 * A text cell holding `;`, `,`, `"`, CR or LF is quoted (`"` doubled): `;` splits cells in the
 * French dialect and `,` in the others a reader may pick (LibreOffice, a bank's import), so
 * `ACME,=1+1` stays one cell whatever separator the reader guesses. Numbers are never quoted.
 */
import { centsToDecimal } from './money.js';
export const CSV_BOM = '\uFEFF';

export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * Cells of a spreadsheet row (exceljs `addRow`): text neutralised like CSV cells, numbers and
 * dates kept as values. XLSX text cells are not run as formulas by Excel, but a copy-paste into
 * another sheet or a CSV re-export would: the same rule everywhere keeps it simple.
 */
export function sheetCells<T>(values: T[]): T[] {
  return values.map((v) => (typeof v === 'string' ? (neutraliseFormula(v) as T) : v));
}

/** A number already formatted for the dialect (`-12,34`): written as is, never neutralised. */
export class CsvNumber {
  constructor(readonly text: string) {}
}

export type CsvValue = string | number | CsvNumber | null | undefined;

/** The characters that make a text cell quoted (the statement's COPY uses the same class: grant-reports/statement-copy.ts). */
export const CSV_QUOTED = /[";,\r\n]/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof CsvNumber) return value.text;
  if (typeof value === 'number') return String(value).replace('.', ',');
  const text = neutraliseFormula(value);
  return CSV_QUOTED.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: CsvValue[]): string {
  return `${cells.map(csvCell).join(';')}\r\n`;
}

export function toCsv(headers: string[], rows: CsvValue[][]): string {
  return CSV_BOM + csvLine(headers) + rows.map(csvLine).join('');
}

/** `123456` → `1234,56` (no thousands separator: spreadsheets read it as a number). */
export function centsToCsv(cents: number): CsvNumber {
  return new CsvNumber(centsToDecimal(cents, ','));
}
