import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import type ExcelJS from 'exceljs';
import { AppError } from './errors.js';

/**
 * What an XLSX import may expand to once unzipped. A 5,000-line participant list is under 2 MB
 * of XML; a ZIP bomb (4.9 MB expanding to 1.2 GB) stops here, before a parser holds it.
 */
export const MAX_XLSX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024;

const fileError = (message: string) => new AppError('validation_failed', undefined, [{ field: 'file', message }]);

interface ZipEntry {
  name: string;
  method: number;
  dataStart: number;
  compressedSize: number;
}

/** The entries of a ZIP file from its central directory (no ZIP64: a spreadsheet import never needs it). */
function zipEntries(bytes: Buffer): ZipEntry[] {
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > bytes.length) throw fileError('classeur XLSX illisible');
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) throw fileError('classeur XLSX illisible');
    const method = bytes.readUInt16LE(at + 10);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50)
      throw fileError('classeur XLSX illisible');
    const dataStart = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    if (compressedSize === 0xffffffff || dataStart + compressedSize > bytes.length)
      throw fileError('classeur XLSX illisible');
    entries.push({ name, method, dataStart, compressedSize });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Refuses a ZIP whose entries really expand past `limit` bytes. The sizes the file declares are
 * not trusted: each entry is inflated as a stream and its output counted, stopping at the limit
 * (so the work done is bounded by the limit too, and the event loop keeps serving meanwhile).
 */
export async function assertZipExpandsWithin(bytes: Buffer, limit: number): Promise<number> {
  let total = 0;
  const over = () =>
    fileError(`classeur XLSX trop volumineux une fois décompressé (${Math.round(limit / 1024 / 1024)} Mo au plus)`);
  for (const entry of zipEntries(bytes)) {
    const data = bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
    if (entry.method === 0) {
      total += data.length;
      if (total > limit) throw over();
      continue;
    }
    if (entry.method !== 8) throw fileError('classeur XLSX illisible');
    const inflate = createInflateRaw();
    const source = Readable.from([data]);
    source.pipe(inflate);
    try {
      for await (const chunk of inflate) {
        total += (chunk as Buffer).length;
        if (total > limit) throw over();
      }
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw fileError('classeur XLSX illisible');
    } finally {
      source.unpipe(inflate);
      inflate.destroy();
    }
  }
  return total;
}

/** The text of a cell as a person reads it (numbers with a decimal comma, booleans oui/non, dates YYYY-MM-DD). */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value).replace('.', ',');
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value)
    return value.richText
      .map((r) => r.text)
      .join('')
      .trim();
  if ('text' in value && typeof value.text === 'string') return value.text.trim();
  if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
  return '';
}

export interface SheetRow {
  /** Line number in the sheet (the header is usually line 1). */
  line: number;
  cells: string[];
}

/**
 * Up to this size once unzipped (a 5,000-line list is under 2 MB), a workbook is read whole:
 * ExcelJS's streaming reader depends on the order of the parts in the ZIP, which its own writer
 * does not fix (a sheet before the shared strings reads as empty cells, about one workbook in 300).
 */
const READ_WHOLE_BYTES = 4 * 1024 * 1024;

const rowCells = (row: ExcelJS.Row) => {
  const values = (row.values ?? []) as ExcelJS.CellValue[];
  return Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) => cellText(values[i + 1]));
};

/** `readXlsxRows` for a small workbook: every part read first, whatever their order. */
async function rowsOfLoadedWorkbook(Excel: typeof ExcelJS, bytes: Buffer, maxRows: number): Promise<SheetRow[]> {
  const book = new Excel.Workbook();
  try {
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw fileError('classeur XLSX illisible');
  }
  const rows: SheetRow[] = [];
  const sheet = book.worksheets[0];
  if (!sheet) return rows;
  sheet.eachRow({ includeEmpty: false }, (row) => {
    if (rows.length > maxRows + 1) return;
    const cells = rowCells(row);
    if (cells.some((c) => c !== '')) rows.push({ line: row.number, cells });
  });
  if (rows.length > maxRows + 1) throw fileError(`${maxRows} lignes au plus par import`);
  return rows;
}

/**
 * The non-empty rows of the first sheet of an XLSX file: the file is refused (400 naming `file`)
 * when it expands past `maxUncompressedBytes`, and when it holds more than `maxRows` rows besides
 * the header. A small workbook is read whole; a larger one as a stream that stops as soon as the
 * row limit is passed, so a 65,000-row sheet is never parsed whole.
 */
export async function readXlsxRows(
  bytes: Buffer,
  limits: { maxRows: number; maxUncompressedBytes?: number },
): Promise<SheetRow[]> {
  const expanded = await assertZipExpandsWithin(bytes, limits.maxUncompressedBytes ?? MAX_XLSX_UNCOMPRESSED_BYTES);
  const { default: Excel } = await import('exceljs'); // loaded on first use (cold start)
  if (expanded <= READ_WHOLE_BYTES) return rowsOfLoadedWorkbook(Excel, bytes, limits.maxRows);
  const reader = new Excel.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  // ExcelJS's reader names a sheet from the workbook part (`this.model.sheets`), which it has not
  // read yet when the sheet comes first in the ZIP, and then throws; ExcelJS's own writer puts the
  // parts in no fixed order (about one workbook in 300). Names are not needed here: start empty.
  const named = reader as unknown as { model?: { sheets?: unknown[] } };
  named.model ??= { sheets: [] };
  const rows: SheetRow[] = [];
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const cells = rowCells(row);
        if (!cells.some((c) => c !== '')) continue;
        rows.push({ line: row.number, cells });
        if (rows.length > limits.maxRows + 1) throw fileError(`${limits.maxRows} lignes au plus par import`);
      }
      break; // the first sheet only
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw fileError('classeur XLSX illisible');
  }
  return rows;
}
