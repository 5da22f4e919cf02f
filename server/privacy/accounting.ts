import type { Db } from '../shared/db.js';

/**
 * What accounting retention needs to know about a participant. Today no claims or payments
 * exist, so nobody has accounting records and nobody has a last payment: the lifecycle
 * anonymises people directly. The claims/payments issue extends the two SQL expressions below
 * (paid claims of the participant; date of their last payment) and nothing else changes:
 * every caller — retention runs, previews, erasure — goes through them.
 *
 * Claims exist since issue 5, but a decided or approved claim is not yet money paid: only PAID
 * claims (status `paid`, set by the payments issue) will count here, so this stays FALSE until then.
 */

/** SQL condition, true when the participant whose id is in `idColumn` has accounting records (paid claims). */
export function accountingRecordsSql(_idColumn: string): string {
  return 'FALSE';
}

/** SQL expression: the instant of the participant's last payment, or NULL. */
export function lastPaymentAtSql(_idColumn: string): string {
  return 'NULL::timestamptz';
}

/** Ids among `participantIds` that have accounting records. */
export async function participantsWithAccountingRecords(trx: Db, participantIds: string[]): Promise<Set<string>> {
  if (participantIds.length === 0) return new Set();
  const { rows } = await trx.raw(`SELECT p.id FROM participants p WHERE p.id = ANY(?::uuid[]) AND (${accountingRecordsSql('p.id')})`, [participantIds]);
  return new Set((rows as { id: string }[]).map((r) => r.id));
}

/** True when the participant has accounting records (paid claims) that accounting retention keeps. */
export async function hasAccountingRecords(trx: Db, participantId: string): Promise<boolean> {
  return (await participantsWithAccountingRecords(trx, [participantId])).has(participantId);
}

/** The participant's last payment, or null (none yet: payments do not exist). */
export async function lastPaymentAt(trx: Db, participantId: string): Promise<Date | null> {
  const { rows } = await trx.raw(`SELECT ${lastPaymentAtSql('p.id')} AS at FROM participants p WHERE p.id = ?`, [participantId]);
  return (rows[0]?.at as Date | null | undefined) ?? null;
}
