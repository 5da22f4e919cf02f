import { moveToStatus } from './lifecycle.js';
import { undecidedClaimsForUpdate } from './lifecycle-repo.js';
import type { Db } from '../shared/db.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { claimCancelled } from '../grants/index.js';

/** The reason code a claim carries when it is cancelled because its person is erased (docs/domain.md#erasure-and-withdrawal). */
export const ERASURE_CANCEL_REASON = 'effacement';

/**
 * Cancels the draft and submitted claims of people about to be anonymised, reason
 * "effacement" (docs/domain.md#erasure-and-withdrawal), in the caller's transaction: their expenses are released like
 * any cancellation and each claim gets its audit event. Returns the ids cancelled.
 * Decided claims are left alone: a claim approved, batched or paid keeps its person archived
 * (the caller checks), a rejected or cancelled one owes nothing.
 */
export async function cancelClaimsOnErasure(trx: Db, acting: Acting, participantIds: string[]): Promise<string[]> {
  if (participantIds.length === 0) return [];
  const { now } = acting;
  const rows = await undecidedClaimsForUpdate(trx, participantIds);
  for (const claim of rows) {
    await moveToStatus(trx, [claim.id], 'cancelled', {
      cancelled_at: now,
      decision_reason_code: ERASURE_CANCEL_REASON,
      updated_at: now,
      version: trx.raw('version + 1'),
    });
    await claimCancelled(trx, claim.id);
    await recordAudit(trx, acting, {
      action: 'claim.cancelled',
      recordType: 'claim',
      recordId: claim.id,
      reasonCode: ERASURE_CANCEL_REASON,
      data: { from: claim.status },
    });
  }
  return rows.map((r) => r.id);
}
