import type { Db } from '../shared/db.js';
import { recordAudit, type AuditActor } from '../audit/index.js';

const EXT: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** The invoice file of an expense, its download audited with the file's SHA-256 (null when none). */
export async function downloadInvoice(db: Db, actor: AuditActor, expenseId: string) {
  const row = await db('expenses as e')
    .join('files as f', 'f.id', 'e.invoice_file_id')
    .where('e.id', expenseId)
    .whereNotNull('f.content')
    .first('e.reference', 'f.id', 'f.media_type', 'f.content', 'f.sha256');
  if (!row) return null;
  await recordAudit(db, actor, {
    action: 'expense.invoice_downloaded',
    recordType: 'expense',
    recordId: expenseId,
    data: { fileId: row.id, sha256: row.sha256 },
  });
  return {
    content: row.content as Buffer,
    mediaType: row.media_type as string,
    filename: `facture-${row.reference}.${EXT[row.media_type] ?? 'bin'}`,
  };
}
