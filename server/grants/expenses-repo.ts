import type { Knex } from 'knex';
import type { Db } from '../shared/db.js';

/** The queries of the expense use cases (`expenses.ts`, `invoice-file.ts`) and of the expense view. */

/** Does this project exist? */
export async function projectExists(trx: Db, projectId: string): Promise<boolean> {
  return !!(await trx('projects').where({ id: projectId }).first('id'));
}

/** Records the override reason on an expense. */
export async function setExpenseOverride(trx: Db, id: string, reason: string): Promise<void> {
  await trx('expenses').where({ id }).update({ override_reason: reason });
}

/** An expense's invoice arrived: its file, its (possibly corrected) amount, actual on `paidOn`, and the override reason if any. */
export async function setExpenseInvoiced(
  trx: Db,
  id: string,
  row: { invoiceFileId: string; amountCents: number; paidOn: string; now: Date; overrideReason?: string },
): Promise<void> {
  await trx('expenses')
    .where({ id })
    .update({
      invoice_file_id: row.invoiceFileId,
      amount_cents: row.amountCents,
      status: 'actual',
      paid_on: row.paidOn,
      updated_at: row.now,
      ...(row.overrideReason !== undefined ? { override_reason: row.overrideReason } : {}),
    });
}

/** An expense becomes actual, paid on `paidOn`. */
export async function setExpensePaid(trx: Db, id: string, paidOn: string, now: Date): Promise<void> {
  await trx('expenses').where({ id }).update({ status: 'actual', paid_on: paidOn, updated_at: now });
}

/** An expense is cancelled. */
export async function setExpenseCancelled(trx: Db, id: string, now: Date): Promise<void> {
  await trx('expenses')
    .where({ id })
    .update({ status: 'cancelled', paid_on: null, cancelled_at: now, updated_at: now });
}

/** The invoice file of an expense, with content, and the expense's reference. */
export async function invoiceFileOf(
  db: Db,
  expenseId: string,
): Promise<{ reference: string; id: string; media_type: string; content: Buffer; sha256: string } | undefined> {
  return db('expenses as e')
    .join('files as f', 'f.id', 'e.invoice_file_id')
    .where('e.id', expenseId)
    .whereNotNull('f.content')
    .first('e.reference', 'f.id', 'f.media_type', 'f.content', 'f.sha256');
}

/** The query of one expense's id (alias `e`), for a scope to restrict. */
export function expenseIdQuery(db: Db, id: string): Knex.QueryBuilder {
  return db('expenses as e').where('e.id', id).first('e.id');
}
