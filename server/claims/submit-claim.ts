import { moveToStatus } from './lifecycle.js';
import { touchLastContact } from '../participants/index.js';
import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { claimLines, getClaim, recordHand } from './repo.js';
import { recomputeClaim } from './compute.js';
import { claimVars, notifyClaim } from './notify.js';
import { claimsError } from './errors.js';

/**
 * Submits a draft in the caller's transaction: computes it again (flags: missing receipt,
 * late against the deadline setting, over cap, reused receipt, taxi, advance to settle) and
 * queues the acknowledgement of receipt. Submitting a submitted claim changes nothing.
 */
export async function submitClaimIn(trx: Db, deps: Deps, acting: Acting, claimId: string): Promise<void> {
  const claim = await getClaim(trx, claimId, true);
  if (!claim) throw notFound('Demande');
  if (claim.status === 'submitted') return;
  if (claim.status !== 'draft') throw claimsError('claim_already_submitted');
  const lines = await claimLines(trx, claimId);
  if (!lines.length && !claim.advance_of_claim_id) throw claimsError('claim_empty');
  const settings = await acting.settings();
  const { now } = acting;
  await moveToStatus(trx, [claimId], 'submitted', { submitted_at: now });
  await recordHand(trx, claimId, acting.actor.userId, 'submitted', now);
  const submitted = await recomputeClaim(trx, acting, claimId);
  await notifyClaim(trx, deps, acting, 'claim-received', submitted, await claimVars(trx, settings, submitted));
  await recordAudit(trx, acting, {
    action: 'claim.submitted',
    recordType: 'claim',
    recordId: claimId,
    data: { flags: submitted.flags, lines: lines.length },
  });
  await touchLastContact(trx, [claim.participant_id], now);
}

/** `submitClaimIn` in a transaction of its own. */
export const submitClaim = (deps: Deps, acting: Acting, claimId: string): Promise<void> =>
  inTransaction(deps.db, (trx) => submitClaimIn(trx, deps, acting, claimId));
