import { closeImportPreview, getImportPreview, insertImportPreview } from '../shared/import-previews.js';
import { inTransaction } from '../shared/db.js';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Deps } from '../shared/deps.js';
import { notFound, validationError } from '../shared/errors.js';
import { sniffSpreadsheet } from '../shared/files.js';
import { readXlsxRows } from '../shared/spreadsheet.js';
import { parseEuros } from '../shared/money.js';
import { check } from '../shared/validate.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { VenueCreateBody } from './schemas.js';
import { addVenue, VENUE_COLUMNS } from './repo.js';
import { venuesError } from './errors.js';

export const MAX_IMPORT_ROWS = 2000;
const IMPORT_HOURS = 24;

/** Column headings people use in their spreadsheets → API field (compared without case or accents). */
const HEADINGS: Record<string, string> = {
  nom: 'name',
  'nom du lieu': 'name',
  lieu: 'name',
  adresse: 'address',
  'code postal': 'postalCode',
  cp: 'postalCode',
  commune: 'communeName',
  ville: 'communeName',
  'code insee': 'communeInsee',
  insee: 'communeInsee',
  capacite: 'capacity',
  places: 'capacity',
  'nombre de places': 'capacity',
  'acces sans marche': 'stepFreeAccess',
  'plain pied': 'stepFreeAccess',
  'toilettes accessibles': 'accessibleToilets',
  'boucle magnetique': 'hearingLoop',
  'stationnement pmr': 'pmrParking',
  'parking pmr': 'pmrParking',
  'espace garde d enfants': 'childcareSpace',
  'garde d enfants': 'childcareSpace',
  transports: 'transportAccess',
  'acces transports': 'transportAccess',
  'acces en transports en commun': 'transportAccess',
  tarif: 'costMode',
  'mode de cout': 'costMode',
  cout: 'costCents',
  montant: 'costCents',
  'cout en euros': 'costCents',
  contact: 'contactName',
  telephone: 'contactPhone',
  'e mail': 'contactEmail',
  email: 'contactEmail',
  remarques: 'notes',
  notes: 'notes',
};
const BOOLEAN_FIELDS = new Set(['stepFreeAccess', 'accessibleToilets', 'hearingLoop', 'pmrParking', 'childcareSpace']);
const COST_MODES: Record<string, string> = {
  gratuit: 'free',
  free: 'free',
  'demi journee': 'half_day',
  half_day: 'half_day',
  journee: 'day',
  day: 'day',
};

const normalise = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, ' ')
    .trim();

async function readRows(bytes: Buffer): Promise<string[][]> {
  const kind = sniffSpreadsheet(bytes);
  if (kind === 'csv') {
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    const delimiter =
      (text.split('\n')[0].match(/;/g)?.length ?? 0) >= (text.split('\n')[0].match(/,/g)?.length ?? 0) ? ';' : ',';
    return parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  }
  if (kind === 'xlsx') return (await readXlsxRows(bytes, { maxRows: MAX_IMPORT_ROWS })).map((r) => r.cells);
  throw validationError([{ field: 'file', message: 'doit être un fichier CSV (UTF-8) ou XLSX' }]);
}

/** One spreadsheet line → API input; values that cannot be read are kept as text so validation names them. */
function toInput(headers: (string | undefined)[], cells: string[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  headers.forEach((field, i) => {
    const raw = (cells[i] ?? '').trim();
    if (!field || raw === '') return;
    if (BOOLEAN_FIELDS.has(field))
      input[field] = ['oui', 'o', 'x', '1', 'vrai', 'true', 'yes'].includes(normalise(raw))
        ? true
        : ['non', 'n', '0', 'faux', 'false', 'no'].includes(normalise(raw))
          ? false
          : raw;
    else if (field === 'capacity') input[field] = /^\d+$/.test(raw) ? Number(raw) : raw;
    else if (field === 'costCents') input[field] = parseEuros(raw) ?? raw;
    else if (field === 'costMode') input[field] = COST_MODES[normalise(raw)] ?? raw;
    else input[field] = raw;
  });
  return input;
}

/**
 * Reads a venue spreadsheet and keeps the valid lines waiting for confirmation: nothing is
 * written to `venues` yet. The report names lines and fields, never values.
 */
export async function previewVenueImport(deps: Deps, acting: Acting, input: { file: { buffer: Buffer } | undefined }) {
  const { file } = input;
  if (!file || !file.buffer.length) throw validationError([{ field: 'file', message: 'fichier obligatoire' }]);
  const [head, ...lines] = await readRows(file.buffer);
  if (!head) throw validationError([{ field: 'file', message: 'le fichier est vide' }]);
  if (lines.length > MAX_IMPORT_ROWS)
    throw validationError([{ field: 'file', message: `au plus ${MAX_IMPORT_ROWS} lignes` }]);
  const headers = head.map((h) => HEADINGS[normalise(h ?? '')]);
  if (!headers.includes('name') || !headers.includes('capacity'))
    throw validationError([{ field: 'file', message: 'les colonnes « Nom » et « Capacité » sont obligatoires' }]);
  const valid: Record<string, unknown>[] = [];
  const report: { row: number; field: string; message: string }[] = [];
  lines.forEach((cells, i) => {
    const checked = check(VenueCreateBody, toInput(headers, cells));
    if (checked.ok) valid.push(checked.value);
    else for (const d of checked.details) report.push({ row: i + 2, field: d.field, message: d.message });
  });
  const errorRows = new Set(report.map((r) => r.row)).size;
  const row = await insertImportPreview<{ id: string }>(deps.db, {
    kind: 'venues',
    rows: valid,
    report,
    validCount: valid.length,
    errorCount: errorRows,
    createdBy: acting.actor.userId,
    now: acting.now,
    expiresAt: new Date(acting.now.getTime() + IMPORT_HOURS * 3600_000),
  });
  await recordAudit(deps.db, acting, {
    action: 'venue.import_previewed',
    recordType: 'import',
    recordId: row.id,
    data: { valid: valid.length, errors: errorRows },
  });
  return {
    id: row.id as string,
    status: 'previewed',
    validCount: valid.length,
    errorCount: errorRows,
    report,
    preview: valid.slice(0, 50).map((v) => ({
      name: v.name as string,
      communeName: (v.communeName as string | undefined) ?? null,
      capacity: v.capacity as number,
    })),
  };
}

/** Writes the waiting lines as venues, once; confirming again answers the same result. */
export async function confirmVenueImport(deps: Deps, acting: Acting, id: string) {
  const { now } = acting;
  return inTransaction(deps.db, async (trx) => {
    const imp = await getImportPreview<{ status: string; valid_count: number; expires_at: Date; rows: unknown }>(
      trx,
      'venues',
      id,
      true,
    );
    if (!imp) throw notFound('Import');
    if (imp.status === 'confirmed') return { id, status: 'confirmed', created: imp.valid_count as number };
    if (imp.status !== 'previewed') throw venuesError('venue_import_not_pending');
    if (imp.expires_at < now) {
      await closeImportPreview(trx, id, 'expired', now);
      throw venuesError('venue_import_expired');
    }
    const rows = (imp.rows ?? []) as Record<string, unknown>[];
    for (const r of rows) {
      const columns: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) if (VENUE_COLUMNS[k]) columns[VENUE_COLUMNS[k]] = v;
      if (r.costMode === 'free' || !r.costMode) columns.cost_cents = 0;
      await addVenue(trx, {
        ...columns,
        created_by: acting.actor.userId,
        created_at: now,
        updated_at: now,
      });
    }
    await closeImportPreview(trx, id, 'confirmed', now);
    await recordAudit(trx, acting, {
      action: 'venue.imported',
      recordType: 'import',
      recordId: id,
      data: { created: rows.length },
    });
    return { id, status: 'confirmed', created: rows.length };
  });
}
