import type { Db } from '../shared/db.js';

/**
 * What accounting retention needs to know about a participant: whether money is owed or was
 * paid to them (a claim approved, in a payment batch or paid: docs/domain.md#erasure-and-withdrawal), and when last.
 * Every caller — retention runs, previews, erasure, the participant's privacy page — goes
 * through the SQL expressions below.
 *
 * A person with such a claim is archived, never anonymised straight away: what is owed is
 * still paid (the payee's name and bank details stay in the archive), what was paid stays
 * justified. The last payment is the latest `paid_at` of the participant's paid payments;
 * without one (claims only approved or batched) it is NULL and the archive period counts
 * from the archiving date.
 */

/** Claim statuses whose records are accounting records: money owed (approved) or paid. */
export const OWED_OR_PAID_STATUSES = ['approved', 'partially_approved', 'in_batch', 'paid'] as const;
/** Claim statuses of money still to pay: an anonymised person never has one. */
export const PAYABLE_STATUSES = ['approved', 'partially_approved', 'in_batch'] as const;
const OWED_OR_PAID = `(${OWED_OR_PAID_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** SQL condition, true when the participant whose id is in `idColumn` has accounting records. */
export function accountingRecordsSql(idColumn: string): string {
  return `EXISTS (SELECT 1 FROM claims acc WHERE acc.participant_id = ${idColumn} AND acc.status IN ${OWED_OR_PAID})`;
}

/** SQL condition, true when the participant whose id is in `idColumn` has a claim still to pay. */
export function payableClaimsSql(idColumn: string): string {
  return `EXISTS (SELECT 1 FROM claims pc WHERE pc.participant_id = ${idColumn} AND pc.status IN (${PAYABLE_STATUSES.map((s) => `'${s}'`).join(', ')}))`;
}

/**
 * SQL condition on `files` (one `?` bound to an array of participant ids): the receipt files
 * of these participants' claims approved, batched or paid (`paid`: accounting records, kept
 * in the archive), or of their other claims (draft, submitted, rejected, cancelled), unless
 * the same file also backs a claim approved, batched or paid.
 */
export function receiptFilesSql(paid: boolean): string {
  const mine = `id IN (SELECT rc.file_id FROM claim_receipts rc JOIN claims c ON c.id = rc.claim_id
                        WHERE c.participant_id = ANY(?::uuid[]) AND c.status ${paid ? '' : 'NOT '}IN ${OWED_OR_PAID})`;
  if (paid) return mine;
  return `${mine} AND NOT EXISTS (SELECT 1 FROM claim_receipts rp JOIN claims cp ON cp.id = rp.claim_id
                                   WHERE rp.file_id = files.id AND cp.status IN ${OWED_OR_PAID})`;
}

/** SQL expression: the instant of the participant's last payment, or NULL. */
export function lastPaymentAtSql(idColumn: string): string {
  return `(SELECT max(pay.paid_at) FROM payments pay WHERE pay.participant_id = ${idColumn} AND pay.status = 'paid')`;
}

/** Ids among `participantIds` that have accounting records. */
export async function participantsWithAccountingRecords(trx: Db, participantIds: string[]): Promise<Set<string>> {
  if (participantIds.length === 0) return new Set();
  const { rows } = await trx.raw(
    `SELECT p.id FROM participants p WHERE p.id = ANY(?::uuid[]) AND (${accountingRecordsSql('p.id')})`,
    [participantIds],
  );
  return new Set((rows as { id: string }[]).map((r) => r.id));
}

/** True when the participant has accounting records (a claim approved, batched or paid) that accounting retention keeps. */
export async function hasAccountingRecords(trx: Db, participantId: string): Promise<boolean> {
  return (await participantsWithAccountingRecords(trx, [participantId])).has(participantId);
}

/** The participant's last payment, or null when nothing was paid yet. */
export async function lastPaymentAt(trx: Db, participantId: string): Promise<Date | null> {
  const { rows } = await trx.raw(`SELECT ${lastPaymentAtSql('p.id')} AS at FROM participants p WHERE p.id = ?`, [
    participantId,
  ]);
  return (rows[0]?.at as Date | null | undefined) ?? null;
}
