import { parse } from 'csv-parse/sync';
import { AppError, type ErrorDetail } from '../shared/errors.js';
import { sniffSpreadsheet } from '../shared/files.js';
import { readXlsxRows } from '../shared/spreadsheet.js';
import { foldName } from '../shared/communes.js';
import { participantsError } from './errors.js';

/** Spreadsheet columns an import understands (API field names; `partner` is a partner's name). */
export const IMPORT_FIELDS = [
  'civility',
  'lastName',
  'firstName',
  'email',
  'phone',
  'addressLine1',
  'addressLine2',
  'postalCode',
  'communeName',
  'communeInsee',
  'preferredChannel',
  'partner',
  'isMinor',
  'guardianName',
  'guardianEmail',
  'guardianPhone',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export const IMPORT_FIELD_LABELS: Record<ImportField, string> = {
  civility: 'Civilité',
  lastName: 'Nom',
  firstName: 'Prénom',
  email: 'Adresse e-mail',
  phone: 'Téléphone',
  addressLine1: 'Adresse',
  addressLine2: 'Complément d’adresse',
  postalCode: 'Code postal',
  communeName: 'Commune',
  communeInsee: 'Code INSEE',
  preferredChannel: 'Canal',
  partner: 'Structure relais',
  isMinor: 'Mineur',
  guardianName: 'Représentant légal',
  guardianEmail: 'E-mail du représentant légal',
  guardianPhone: 'Téléphone du représentant légal',
};

/** Header names people use (folded: lower case, no accents, letters and digits only). */
const HEADER_ALIASES: Record<string, ImportField> = {};
const alias = (field: ImportField, ...names: string[]) => names.forEach((n) => (HEADER_ALIASES[foldHeader(n)] = field));
alias('civility', 'civilité', 'civ', 'titre', 'civility');
alias('lastName', 'nom', 'nom de famille', 'nom d’usage', 'nom de naissance', 'last name', 'lastname');
alias('firstName', 'prénom', 'prénoms', 'first name', 'firstname');
alias('email', 'e-mail', 'email', 'courriel', 'mail', 'adresse e-mail', 'adresse mail', 'adresse électronique');
alias('phone', 'téléphone', 'tél', 'tel', 'portable', 'mobile', 'numéro de téléphone', 'phone');
alias('addressLine1', 'adresse', 'adresse 1', 'adresse postale', 'rue', 'address');
alias('addressLine2', 'complément d’adresse', 'complément', 'adresse 2', 'complément adresse');
alias('postalCode', 'code postal', 'cp', 'postal code');
alias('communeName', 'commune', 'ville', 'localité');
alias('communeInsee', 'code insee', 'insee', 'code commune', 'code insee commune');
alias('preferredChannel', 'canal', 'canal préféré', 'canal de contact', 'moyen de contact');
alias('partner', 'structure relais', 'structure', 'partenaire', 'association', 'orienté par');
alias('isMinor', 'mineur', 'mineure', 'mineur(e)');
alias('guardianName', 'représentant légal', 'responsable légal', 'tuteur');
alias('guardianEmail', 'e-mail du représentant légal', 'courriel du représentant légal');
alias('guardianPhone', 'téléphone du représentant légal');

export function foldHeader(header: string): string {
  return foldName(header).replace(/[^a-z0-9]/g, '');
}

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 5000;

export interface Table {
  headers: string[];
  /** Data rows with their line number in the file (the header is line 1). */
  rows: { line: number; cells: string[] }[];
}

const fileError = (message: string) => new AppError('validation_failed', undefined, [{ field: 'file', message }]);

/** The separator of a French or English CSV: the most frequent of `;`, `,` and tab on the first line. */
export function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [';', ',', '\t'].map((d) => ({ d, n: firstLine.split(d).length - 1 }));
  const best = counts.sort((a, b) => b.n - a.n)[0];
  return best.n > 0 ? best.d : ';';
}

function readCsv(bytes: Buffer): Table {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw fileError(
      `fichier CSV illisible${line ? ` (vers la ligne ${line})` : ''} : vérifiez les guillemets et le séparateur`,
    );
  }
  const [headers = [], ...rest] = records;
  return { headers, rows: rest.map((cells, i) => ({ line: i + 2, cells })) };
}

async function readXlsx(bytes: Buffer): Promise<Table> {
  const [header, ...rows] = await readXlsxRows(bytes, { maxRows: MAX_IMPORT_ROWS });
  if (!header) return { headers: [], rows: [] };
  const width = header.cells.length;
  return {
    headers: header.cells,
    rows: rows.map((r) => ({
      line: r.line,
      cells: r.cells.length < width ? [...r.cells, ...Array<string>(width - r.cells.length).fill('')] : r.cells,
    })),
  };
}

/** Reads a CSV (`;` or `,`, UTF-8 with or without BOM) or the first sheet of an XLSX file. */
export async function readTable(bytes: Buffer | undefined): Promise<Table> {
  if (!bytes || bytes.length === 0) throw fileError('fichier obligatoire');
  const kind = sniffSpreadsheet(bytes);
  if (!kind) throw fileError('doit être un fichier CSV (UTF-8) ou un classeur XLSX');
  const table = kind === 'xlsx' ? await readXlsx(bytes) : readCsv(bytes);
  table.headers = table.headers.map((h) => h.trim());
  table.rows = table.rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (!table.headers.some((h) => h)) throw fileError('la première ligne doit porter les noms des colonnes');
  if (!table.rows.length) throw fileError('aucune ligne de données sous les noms des colonnes');
  if (table.rows.length > MAX_IMPORT_ROWS) throw fileError(`${MAX_IMPORT_ROWS} lignes au plus par import`);
  return table;
}

export interface Column {
  index: number;
  header: string;
  field: ImportField | null;
}

/**
 * Which field each column feeds: recognised header names, then the person's `mapping`
 * (`{"header in the file": "field" | null}`), which wins. Names and first names must be mapped.
 */
export function mapColumns(headers: string[], mapping: Record<string, string | null> = {}): Column[] {
  const problems: ErrorDetail[] = [];
  for (const [header, field] of Object.entries(mapping)) {
    if (!headers.includes(header))
      problems.push({ field: 'mapping', message: `colonne absente du fichier : « ${header} »` });
    if (field && !(IMPORT_FIELDS as readonly string[]).includes(field))
      problems.push({ field: 'mapping', message: `champ inconnu : « ${field} »` });
  }
  const columns = headers.map((header, index): Column => {
    const chosen = Object.prototype.hasOwnProperty.call(mapping, header)
      ? mapping[header]
      : HEADER_ALIASES[foldHeader(header)];
    return { index, header, field: (chosen || null) as ImportField | null };
  });
  const seen = new Set<string>();
  for (const c of columns) {
    if (!c.field) continue;
    if (seen.has(c.field))
      problems.push({
        field: 'mapping',
        message: `deux colonnes alimentent « ${IMPORT_FIELD_LABELS[c.field]} » : gardez-en une`,
      });
    seen.add(c.field);
  }
  for (const required of ['lastName', 'firstName'] as const) {
    if (!seen.has(required))
      problems.push({ field: 'mapping', message: `aucune colonne pour « ${IMPORT_FIELD_LABELS[required]} »` });
  }
  if (problems.length) throw participantsError('import_columns_unmapped', problems);
  return columns;
}

/** Parses the `mapping` form field (a JSON object); a 400 naming `mapping` otherwise. */
export function parseMapping(text: string | undefined): Record<string, string | null> {
  if (!text?.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('validation_failed', undefined, [
      { field: 'mapping', message: 'doit être un objet JSON {"colonne du fichier": "champ"}' },
    ]);
  }
  if (
    !value ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    Object.values(value).some((v) => v !== null && typeof v !== 'string')
  ) {
    throw new AppError('validation_failed', undefined, [
      { field: 'mapping', message: 'doit être un objet JSON {"colonne du fichier": "champ"}' },
    ]);
  }
  return value as Record<string, string | null>;
}

/** The mapped values of one row (spreadsheets drop leading zeros: they come back here). */
export function rowValues(cells: string[], columns: Column[]): Partial<Record<ImportField, string>> {
  const values: Partial<Record<ImportField, string>> = {};
  for (const c of columns) {
    if (!c.field) continue;
    let v = (cells[c.index] ?? '').trim();
    if (c.field === 'postalCode' && /^\d{4}$/.test(v)) v = `0${v}`;
    if (c.field === 'phone' || c.field === 'guardianPhone') {
      const compact = v.replace(/[\s.-]/g, '');
      if (/^[1-9]\d{8}$/.test(compact)) v = `0${compact}`;
    }
    if (v) values[c.field] = v;
  }
  return values;
}
