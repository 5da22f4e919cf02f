import type { Db } from '../shared/db.js';
import { CLAIM_STATUS_LABELS, type ClaimStatus } from './schemas.js';

/** Claims that rest on the person's presence: once submitted, until cancelled or rejected. */
export const LIVE_CLAIM_STATUSES: readonly ClaimStatus[] = [
  'submitted',
  'approved',
  'partially_approved',
  'in_batch',
  'paid',
];

/**
 * The live claims (not advances: an advance is paid before the session, on no presence) of
 * each person for one session, by participant id. Sessions use it before changing a mark.
 */
export async function liveClaimsOfSession(
  db: Db,
  sessionId: string,
  participantIds: string[],
): Promise<Map<string, { reference: string; label: string }[]>> {
  const out = new Map<string, { reference: string; label: string }[]>();
  if (!participantIds.length) return out;
  const rows: { participant_id: string; reference: string; status: ClaimStatus }[] = await db('claims as c')
    .join('claim_sessions as cs', 'cs.claim_id', 'c.id')
    .where('cs.session_id', sessionId)
    .whereIn('c.participant_id', participantIds)
    .whereIn('c.status', LIVE_CLAIM_STATUSES)
    .where('c.is_advance', false)
    .orderBy('c.reference')
    .select('c.participant_id', 'c.reference', 'c.status');
  for (const r of rows)
    out.set(r.participant_id, [
      ...(out.get(r.participant_id) ?? []),
      { reference: r.reference, label: CLAIM_STATUS_LABELS[r.status] },
    ]);
  return out;
}
