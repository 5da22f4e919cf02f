import type { Db } from './db.js';

/**
 * Import previews (table `imports`): a file's valid rows wait here, with its error report, until
 * staff confirm or cancel them, 24 hours at most (then the rows are dropped). Participants and
 * venues import through these functions; the rows' meaning is theirs.
 */
export type ImportKind = 'participants' | 'venues';

export interface NewImportPreview {
  kind: ImportKind;
  /** The file's column mapping, for a kind that keeps it. */
  mapping?: unknown;
  rows: unknown[];
  report: unknown[];
  validCount: number;
  errorCount: number;
  createdBy: string | null;
  now: Date;
  expiresAt: Date;
}

export async function insertImportPreview<Row = Record<string, unknown>>(db: Db, p: NewImportPreview): Promise<Row> {
  const [row] = await db('imports')
    .insert({
      kind: p.kind,
      status: 'previewed',
      ...(p.mapping !== undefined ? { mapping: JSON.stringify(p.mapping) } : {}),
      rows: JSON.stringify(p.rows),
      report: JSON.stringify(p.report),
      valid_count: p.validCount,
      error_count: p.errorCount,
      created_by: p.createdBy,
      created_at: p.now,
      expires_at: p.expiresAt,
    })
    .returning('*');
  return row as Row;
}

/** An import preview of this kind, locked when `forUpdate` (confirming, cancelling). */
export async function getImportPreview<Row = Record<string, unknown>>(
  db: Db,
  kind: ImportKind,
  id: string,
  forUpdate = false,
): Promise<Row | undefined> {
  const q = db('imports').where({ id, kind }).first();
  return (forUpdate ? q.forUpdate() : q) as Promise<Row | undefined>;
}

/** Closes a preview: its rows are dropped whatever the outcome. */
export async function closeImportPreview(
  db: Db,
  id: string,
  status: 'confirmed' | 'cancelled' | 'expired',
  now: Date,
): Promise<void> {
  await db('imports')
    .where({ id })
    .update({ status, rows: null, ...(status === 'confirmed' ? { confirmed_at: now } : {}) });
}

/** Previewed imports past their expiry lose their rows (personal data waits 24 hours at most). */
export async function expireStaleImports(db: Db, now: Date): Promise<void> {
  await db('imports')
    .where('status', 'previewed')
    .where('expires_at', '<', now)
    .update({ status: 'expired', rows: null });
}
