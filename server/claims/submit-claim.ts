import { moveToStatus } from './lifecycle.js';
import { touchLastContact } from '../participants/index.js';
import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import { getSettings } from '../settings/index.js';
import { claimLines, getClaim, recordHand } from './repo.js';
import { recomputeClaim } from './compute.js';
import { claimVars, notifyClaim } from './notify.js';
import { claimsError } from './errors.js';

/**
 * Submits a draft in the caller's transaction: computes it again (flags: missing receipt,
 * late against the deadline setting, over cap, reused receipt, taxi, advance to settle) and
 * queues the acknowledgement of receipt. Submitting a submitted claim changes nothing.
 */
export async function submitIn(trx: Db, deps: Deps, actor: AuditActor, claimId: string): Promise<void> {
  const claim = await getClaim(trx, claimId, true);
  if (!claim) throw notFound('Demande');
  if (claim.status === 'submitted') return;
  if (claim.status !== 'draft') throw claimsError('claim_already_submitted');
  const lines = await claimLines(trx, claimId);
  if (!lines.length && !claim.advance_of_claim_id) throw claimsError('claim_empty');
  const { settings } = await getSettings(trx);
  const now = deps.now();
  await moveToStatus(trx, [claimId], 'submitted', { submitted_at: now });
  await recordHand(trx, claimId, actor.userId, 'submitted', now);
  const submitted = await recomputeClaim(
    trx,
    deps,
    claimId,
    settings.timeZone,
    settings.thresholds.claimDeadlineMonths,
  );
  await notifyClaim(trx, deps, 'claim-received', submitted, await claimVars(trx, settings, submitted));
  await recordAudit(trx, actor, {
    action: 'claim.submitted',
    recordType: 'claim',
    recordId: claimId,
    data: { flags: submitted.flags, lines: lines.length },
  });
  await touchLastContact(trx, [claim.participant_id], now);
}

export async function submitClaim(deps: Deps, actor: AuditActor, claimId: string): Promise<void> {
  await inTransaction(deps.db, (trx) => submitIn(trx, deps, actor, claimId));
}
