import type { Acting } from '../shared/acting.js';
import type { Db } from '../shared/db.js';
import { claimsPaid, claimsUnpaid } from '../grants/index.js';
import type { ClaimStatus } from './schemas.js';
import { lockClaimsInIdOrder, settlementIdsFollowing } from './lifecycle-repo.js';

/**
 * The claim lifecycle (docs/domain.md#claim-lifecycle): which status may follow which. Every change of a
 * claim's status goes through `moveToStatus` below, in this capability; payments moves claims
 * into a batch, to paid and back through `markInBatch`, `markPaid` and `releaseFromBatch`.
 *
 *   draft → submitted → approved | partially_approved | rejected → in_batch → paid
 *   a claim not yet batched may be cancelled; a batch cancelled, voided or rejected by the
 *   bank releases its claims to their decided status (approved or partially approved).
 */
export const CLAIM_TRANSITIONS = {
  draft: ['submitted', 'cancelled'],
  submitted: ['approved', 'partially_approved', 'rejected', 'cancelled'],
  approved: ['in_batch', 'cancelled'],
  partially_approved: ['in_batch', 'cancelled'],
  rejected: ['cancelled'],
  in_batch: ['paid', 'approved', 'partially_approved'],
  paid: ['approved', 'partially_approved'],
  cancelled: [],
} as const satisfies Record<ClaimStatus, readonly ClaimStatus[]>;

/** The statuses a claim may come from to reach `to`. */
export function statusesBefore(to: ClaimStatus): ClaimStatus[] {
  return (Object.entries(CLAIM_TRANSITIONS) as [ClaimStatus, readonly ClaimStatus[]][])
    .filter(([, next]) => next.includes(to))
    .map(([from]) => from);
}

export const mayMove = (from: ClaimStatus, to: ClaimStatus): boolean =>
  (CLAIM_TRANSITIONS[from] as readonly ClaimStatus[]).includes(to);

/**
 * Moves claims to `to` with the other columns the step writes, in the caller's transaction.
 * The use case has checked the status and said why not in French; a claim found in a status
 * the table does not allow is a bug, and the whole transaction rolls back.
 */
export async function moveToStatus(
  trx: Db,
  claimIds: string[],
  to: ClaimStatus,
  values: Record<string, unknown> = {},
): Promise<void> {
  if (claimIds.length === 0) return;
  const moved = await trx('claims')
    .whereIn('id', claimIds)
    .whereIn('status', statusesBefore(to))
    .update({ ...values, status: to });
  if (moved !== claimIds.length)
    throw new Error(
      `claim lifecycle: ${claimIds.length - Number(moved)} claim(s) cannot become ${to} from their status`,
    );
}

/** Payments put these decided claims into a batch (already locked by the batch builder). */
export async function markInBatch(trx: Db, claimIds: string[], now: Date): Promise<void> {
  if (claimIds.length === 0) return;
  await lockClaimsInIdOrder(trx, claimIds);
  await moveToStatus(trx, claimIds, 'in_batch', { version: trx.raw('version + 1'), updated_at: now });
}

/** These claims and the settlements whose expenses follow them: when an advance is paid or its payment rejected, their expenses follow it. */
async function withSettlements(trx: Db, advanceIds: string[]): Promise<string[]> {
  return [...advanceIds, ...(await settlementIdsFollowing(trx, advanceIds))];
}

/** Payments marked the payment of these batched claims paid: their expenses become actual, dated by the payment's day. */
export async function markPaid(trx: Db, acting: Acting, claimIds: string[]): Promise<void> {
  if (claimIds.length === 0) return;
  await lockClaimsInIdOrder(trx, claimIds);
  await moveToStatus(trx, claimIds, 'paid', { version: trx.raw('version + 1'), updated_at: acting.now });
  await claimsPaid(trx, acting, await withSettlements(trx, claimIds));
}

/** The bank rejected the payment of these claims: back to their decided status, flagged, and their expenses committed again. */
export async function paymentRejected(trx: Db, claimIds: string[], now: Date): Promise<void> {
  if (claimIds.length === 0) return;
  await releaseFromBatch(trx, claimIds, 'payment_rejected', now);
  await claimsUnpaid(trx, await withSettlements(trx, claimIds));
}

/**
 * Claims back to their decided status (approved, or partially approved), optionally flagged:
 * what cancelling or voiding a batch and a bank rejection do. Claims no longer batched nor
 * paid are left as they are (releasing twice changes nothing).
 */
export async function releaseFromBatch(trx: Db, claimIds: string[], flag: string | null, now: Date): Promise<void> {
  if (claimIds.length === 0) return;
  await lockClaimsInIdOrder(trx, claimIds);
  await trx.raw(
    `UPDATE claims SET status = CASE WHEN amount_granted_cents >= amount_requested_cents THEN 'approved' ELSE 'partially_approved' END,
       flags = CASE WHEN ?::text IS NULL OR ?::text = ANY(flags) THEN flags ELSE array_append(flags, ?::text) END,
       version = version + 1, updated_at = ?
     WHERE id = ANY(?::uuid[]) AND status IN ('in_batch', 'paid')`,
    [flag, flag, flag, now, claimIds],
  );
}
