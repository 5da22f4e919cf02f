import type { Deps } from '../shared/deps.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { invoiceFileOf } from './expenses-repo.js';

const EXT: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** The invoice file of an expense, its download audited with the file's SHA-256 (null when none). */
export async function downloadInvoice(deps: Deps, acting: Acting, expenseId: string) {
  const { db } = deps;
  const row = await invoiceFileOf(db, expenseId);
  if (!row) return null;
  await recordAudit(db, acting, {
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
