import {
  closeImportPreview,
  expireStaleImports,
  getImportPreview,
  insertImportPreview,
} from '../shared/import-previews.js';
import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import type { Acting } from '../shared/acting.js';
import { notFound, type ErrorDetail } from '../shared/errors.js';
import { foldName } from '../shared/communes.js';
import { recordAudit } from '../audit/index.js';
import { activePartnerOptions } from '../partners/index.js';
import { findDuplicates, insertParticipant } from './repo.js';
import { toColumns, type ParticipantState } from './rules.js';
import { mapColumns, parseMapping, readTable, rowValues, type Column } from './import-parse.js';
import { duplicateKeys, rowToParticipant } from './import-rows.js';
import { filledFields } from './register-participant.js';
import { localDay } from '../shared/dates.js';
import { participantsError } from './errors.js';

export interface ImportError {
  row: number;
  field: string;
  message: string;
}
interface StoredRow {
  row: number;
  state: ParticipantState;
}
interface ImportRow {
  id: string;
  kind: string;
  status: 'previewed' | 'confirmed' | 'cancelled' | 'expired';
  mapping: { header: string; field: string | null }[];
  rows: StoredRow[] | null;
  report: ImportError[];
  valid_count: number;
  error_count: number;
  expires_at: Date;
  created_at: Date;
}

const PREVIEW_ROWS = 20;
const TTL_MS = 24 * 3600_000;

function previewOf(rows: StoredRow[] | null, partnerNames: Map<string, string>) {
  return (rows ?? []).slice(0, PREVIEW_ROWS).map(({ row, state: s }) => ({
    row,
    civility: s.civility,
    lastName: s.lastName,
    firstName: s.firstName,
    email: s.email,
    phone: s.phone,
    addressLine1: s.addressLine1,
    postalCode: s.postalCode,
    communeName: s.communeName,
    preferredChannel: s.preferredChannel,
    partnerName: s.partnerId ? (partnerNames.get(s.partnerId) ?? null) : null,
    isMinor: s.isMinor,
    guardianName: s.guardianName,
  }));
}

async function present(db: Db, imp: ImportRow, now: Date) {
  const partners = new Map((await activePartnerOptions(db)).map((p) => [p.id, p.name]));
  const expired = imp.status === 'expired' || (imp.status === 'previewed' && imp.expires_at < now);
  return {
    importId: imp.id,
    status: expired ? ('expired' as const) : imp.status,
    validCount: imp.valid_count,
    errorCount: imp.error_count,
    errors: imp.report,
    columns: Array.isArray(imp.mapping) ? imp.mapping : [],
    preview: expired ? [] : previewOf(imp.rows, partners),
    expiresAt: imp.expires_at.toISOString(),
  };
}
export type ImportView = Awaited<ReturnType<typeof present>>;

/**
 * Reads a spreadsheet (`input.file`), maps its columns (`input.mapping`: JSON, optional), checks every row with the creation rules and against
 * likely duplicates (in the file and in the database), and keeps the valid rows for 24 hours.
 * Writes nothing to participants; the report holds row numbers, fields and messages only.
 */
export async function previewImport(
  deps: Deps,
  acting: Acting,
  input: { file: { buffer: Buffer } | undefined; mapping: string | undefined },
): Promise<ImportView> {
  const { file } = input;
  const mapping = parseMapping(input.mapping);
  const table = await readTable(file?.buffer);
  const columns: Column[] = mapColumns(table.headers, mapping);
  const settings = await acting.settings();
  const { now } = acting;
  const today = localDay(now, settings.timeZone);
  const partners = new Map((await activePartnerOptions(deps.db)).map((p) => [foldName(p.name), p.id]));
  const errors: ImportError[] = [];
  const valid: StoredRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of table.rows) {
    const { state, details } = rowToParticipant(rowValues(cells, columns), partners, today);
    if (!state) {
      errors.push(...details.map((d: ErrorDetail) => ({ row: line, field: d.field, message: d.message })));
      continue;
    }
    const inFile = duplicateKeys(state).find((k) => seen.has(k.key));
    if (inFile) {
      errors.push({
        row: line,
        field: 'duplicates',
        message: `doublon de la ligne ${seen.get(inFile.key)} (${inFile.label})`,
      });
      continue;
    }
    const inDb = await findDuplicates(deps.db, state);
    if (inDb.length) {
      errors.push({
        row: line,
        field: 'duplicates',
        message: `doublon probable de la fiche ${inDb.map((d) => d.reference).join(', ')} : créez-la depuis le formulaire si ce n’en est pas un`,
      });
      continue;
    }
    for (const k of duplicateKeys(state)) seen.set(k.key, line);
    valid.push({ row: line, state });
  }
  const errorRows = new Set(errors.map((e) => e.row)).size;
  const imp = await inTransaction(deps.db, async (trx) => {
    await expireStaleImports(trx, now);
    const row = await insertImportPreview<ImportRow>(trx, {
      kind: 'participants',
      // Kept as a list: the file's column order matters and jsonb objects do not keep it.
      mapping: columns.map((c) => ({ header: c.header, field: c.field })),
      rows: valid,
      report: errors,
      validCount: valid.length,
      errorCount: errorRows,
      createdBy: acting.actor.userId,
      now,
      expiresAt: new Date(now.getTime() + TTL_MS),
    });
    await recordAudit(trx, acting, {
      action: 'participants.import_previewed',
      recordType: 'import',
      recordId: row.id,
      data: { validCount: valid.length, errorCount: errorRows },
    });
    return row;
  });
  return present(deps.db, imp, now);
}

export async function getImport(deps: Deps, acting: Acting, id: string): Promise<ImportView> {
  const imp = await getImportPreview<ImportRow>(deps.db, 'participants', id);
  if (!imp) throw notFound('Import');
  return present(deps.db, imp, acting.now);
}

async function lockImport(trx: Db, id: string): Promise<ImportRow> {
  const imp = await getImportPreview<ImportRow>(trx, 'participants', id, true);
  if (!imp) throw notFound('Import');
  return imp;
}

/**
 * Creates the previewed valid rows, all or none, in one transaction; the stored rows are then
 * erased. Confirming twice answers the same result. A row that became a likely duplicate since
 * the preview stops everything (409 `import_stale`): preview the file again.
 */
export async function confirmImport(deps: Deps, acting: Acting, id: string) {
  return inTransaction(deps.db, async (trx) => {
    const imp = await lockImport(trx, id);
    const { now } = acting;
    if (imp.status === 'confirmed')
      return { importId: id, status: 'confirmed' as const, createdCount: imp.valid_count };
    if (imp.status !== 'previewed') throw participantsError('import_not_pending');
    if (imp.expires_at < now) throw participantsError('import_expired');
    const rows = imp.rows ?? [];
    const stale: ErrorDetail[] = [];
    for (const r of rows) {
      const dups = await findDuplicates(trx, r.state);
      if (dups.length)
        stale.push({
          field: `rows.${r.row}`,
          message: `doublon probable de la fiche ${dups.map((d) => d.reference).join(', ')}`,
        });
    }
    if (stale.length) throw participantsError('import_stale', stale);
    for (const r of rows) {
      const created = await insertParticipant(trx, {
        ...toColumns(r.state),
        last_contact_at: now,
        created_at: now,
        updated_at: now,
        created_by: acting.actor.userId,
      });
      await recordAudit(trx, acting, {
        action: 'participant.created',
        recordType: 'participant',
        recordId: created.id,
        reasonCode: 'import',
        data: { importId: id, fields: filledFields(r.state) },
      });
    }
    await closeImportPreview(trx, id, 'confirmed', now);
    await recordAudit(trx, acting, {
      action: 'participants.imported',
      recordType: 'import',
      recordId: id,
      data: { created: rows.length, rowsWithErrors: imp.error_count },
    });
    return { importId: id, status: 'confirmed' as const, createdCount: rows.length };
  });
}

/** Drops a previewed import and its rows; cancelling twice answers the same. */
export async function cancelImport(deps: Deps, acting: Acting, id: string) {
  return inTransaction(deps.db, async (trx) => {
    const imp = await lockImport(trx, id);
    if (imp.status === 'confirmed') throw participantsError('import_already_confirmed');
    if (imp.status === 'previewed') {
      await closeImportPreview(trx, id, 'cancelled', acting.now);
      await recordAudit(trx, acting, {
        action: 'participants.import_cancelled',
        recordType: 'import',
        recordId: id,
        data: { validCount: imp.valid_count },
      });
    }
    return { importId: id, status: imp.status === 'expired' ? ('expired' as const) : ('cancelled' as const) };
  });
}
