import { moveToStatus } from './lifecycle.js';
import { inTransaction, type Db } from '../shared/db.js';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { requireOverride } from '../shared/override.js';
import { toLocal } from '../shared/dates.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { claimCancelled } from '../grants/index.js';
import type { Override } from '../shared/override.js';
import type { SettleBody } from './schemas.js';
import {
  attendanceOf,
  claimSessionIds,
  getClaim,
  insertClaim,
  insertClaimSessions,
  insertLines,
  recordHand,
  sessionsByIds,
  settlementOf,
} from './repo.js';
import { lineRows, recomputeClaim } from './compute.js';
import { claimTimes } from './create-claim.js';
import { submitClaimIn } from './submit-claim.js';
import { OVERRIDE_ATTENDANCE_ROLES } from './policy.js';
import { hasRole } from './rules.js';
import { claimsError } from './errors.js';

/**
 * Settles a decided advance after its sessions: a new claim linked to it holds the actual
 * lines (they replace the estimates) and is submitted for a decision like any claim; its
 * decision pays the difference or records the amount to recover. When the person attended
 * none of the sessions, the settlement has no line and everything advanced is to recover.
 * In the caller's transaction; answers the settlement's id.
 */
export async function settleAdvanceIn(trx: Db, deps: Deps, acting: Acting, input: SettleInput): Promise<string> {
  const { advanceId } = input;
  const settings = await acting.settings();
  const { actor } = acting;
  const advance = await getClaim(trx, advanceId, true);
  if (!advance || !advance.is_advance) throw notFound('Avance');
  if (!['approved', 'partially_approved', 'in_batch', 'paid'].includes(advance.status))
    throw claimsError('advance_not_decided');
  const existing = await settlementOf(trx, advanceId);
  if (existing) throw claimsError('advance_already_settled', [{ field: 'id', message: existing.id }]);
  const sessionIds = await claimSessionIds(trx, advanceId);
  const sessions = await sessionsByIds(trx, sessionIds);
  const { now } = acting;
  if (sessions.some((s) => s.ends_at > now)) throw claimsError('session_not_over');
  const attendance = await attendanceOf(trx, advance.participant_id, sessionIds);
  const absent = sessions.every((s) => attendance.get(s.id) !== 'attended');
  let overrideReason: string | null = null;
  if (absent && input.lines.length) {
    overrideReason = requireOverride(
      claimsError('absent_advance_requires_override'),
      input.override,
      hasRole(actor.roles, OVERRIDE_ATTENDANCE_ROLES),
    ).reason;
  }
  const { departure, ret } = claimTimes(sessions, input, advance);
  const flags = [
    'advance_settlement',
    ...(absent ? ['absent'] : []),
    ...(overrideReason ? ['attendance_override'] : []),
  ];
  const id = await insertClaim(trx, {
    participant_id: advance.participant_id,
    payee_id: advance.payee_id,
    project_id: advance.project_id,
    advance_of_claim_id: advanceId,
    departure_at: departure,
    return_at: ret,
    entered_by: actor.userId,
    flags,
    override_reason: overrideReason,
    to_recover_cents: absent && !input.lines.length ? (advance.amount_granted_cents ?? 0) : 0,
    created_at: now,
    updated_at: now,
  });
  await recordHand(trx, id, actor.userId, 'advance_settled', now);
  await insertClaimSessions(trx, id, sessionIds);
  await insertLines(trx, lineRows(id, input.lines, toLocal(sessions[0].starts_at, settings.timeZone).date, new Set()));
  await recomputeClaim(trx, acting, id);
  await recomputeClaim(trx, acting, advanceId);
  await recordAudit(trx, acting, {
    action: 'claim.advance_settled',
    recordType: 'claim',
    recordId: advanceId,
    reasonCode: absent ? 'absent' : null,
    data: { settlementId: id, lines: input.lines.length },
  });
  await submitClaimIn(trx, deps, acting, id);
  return id;
}

/** What settling an advance takes: the advance (`advanceId`), the actual lines and times, an override when absent. */
export type SettleInput = SettleBody & { advanceId: string; override?: Override };

/** Cancels a claim before batching (`reasonNote` kept as its decision note); cancelling a cancelled claim changes nothing. */
export async function cancelClaim(deps: Deps, acting: Acting, input: { claimId: string; reasonNote?: string }) {
  const { claimId, reasonNote } = input;
  await inTransaction(deps.db, async (trx) => {
    const claim = await getClaim(trx, claimId, true);
    if (!claim) throw notFound('Demande');
    if (claim.status === 'cancelled') return;
    if (['in_batch', 'paid'].includes(claim.status)) throw claimsError('claim_in_batch');
    const { now } = acting;
    await recordHand(trx, claimId, acting.actor.userId, 'cancelled', now);
    await moveToStatus(trx, [claimId], 'cancelled', {
      cancelled_at: now,
      decision_note: reasonNote?.trim() || claim.decision_note,
      updated_at: now,
      version: trx.raw('version + 1'),
    });
    await claimCancelled(trx, claimId);
    await recordAudit(trx, acting, {
      action: 'claim.cancelled',
      recordType: 'claim',
      recordId: claimId,
      data: { from: claim.status },
    });
  });
}
