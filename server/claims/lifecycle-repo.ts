import type { Db } from '../shared/db.js';

/**
 * Locks these claims in id order. Every write to several claims takes all its claim locks this
 * way, at once, before writing (the batch builder's lockClaimsById too): an UPDATE … WHERE id
 * IN (…) locks rows in the order it finds them, and two writes taking overlapping claims in
 * different orders (or in several steps) could each hold one the other waits for.
 */
export async function lockClaimsInIdOrder(trx: Db, claimIds: string[]): Promise<void> {
  await trx.raw('SELECT 1 FROM claims WHERE id = ANY(?::uuid[]) ORDER BY id FOR UPDATE', [claimIds]);
}

/** Settlements of these advances whose expenses follow their advance's payment (decided, nothing more to pay). */
export async function settlementIdsFollowing(trx: Db, advanceIds: string[]): Promise<string[]> {
  const settlements = await trx('claims')
    .whereIn('advance_of_claim_id', advanceIds)
    .where('amount_to_pay_cents', 0)
    .whereNotNull('decided_at')
    .whereNot('status', 'cancelled')
    .select('id');
  return settlements.map((r: { id: string }) => r.id);
}

/** Claim statuses cancelled when their person is anonymised: nothing was decided yet. */
const UNDECIDED = ['draft', 'submitted'] as const;

/** The draft and submitted claims of these people, locked, in id order. */
export function undecidedClaimsForUpdate(trx: Db, participantIds: string[]): Promise<{ id: string; status: string }[]> {
  return trx('claims')
    .whereIn('participant_id', participantIds)
    .whereIn('status', UNDECIDED)
    .orderBy('id')
    .forUpdate()
    .select('id', 'status') as unknown as Promise<{ id: string; status: string }[]>;
}
