import type { Db } from '../shared/db.js';

/** The claim's audit trail: ids and codes only (no free text lives there). */
export function claimEvents(db: Db, claimId: string) {
  return db('audit_events')
    .where({ record_type: 'claim', record_id: claimId })
    .orderBy('id')
    .select('occurred_at', 'actor_user_id', 'action', 'reason_code', 'data') as unknown as Promise<
    {
      occurred_at: Date;
      actor_user_id: string | null;
      action: string;
      reason_code: string | null;
      data: Record<string, unknown>;
    }[]
  >;
}

/** The person's attendance entries for these sessions. */
export function attendanceEntries(db: Db, participantId: string, sessionIds: string[]) {
  return db('session_participants')
    .where({ participant_id: participantId })
    .whereIn('session_id', sessionIds)
    .select('session_id', 'status', 'walk_in', 'attendance_recorded_at');
}

/** The claim's receipts for a bundle, in the order they were added, with their file's hash, type and erasure date. */
export function bundleReceipts(db: Db, claimId: string) {
  return db('claim_receipts as r')
    .join('files as f', 'f.id', 'r.file_id')
    .where('r.claim_id', claimId)
    .orderBy(['r.created_at', 'r.id'])
    .select('r.file_id', 'r.amount_cents', 'f.sha256', 'f.media_type', 'f.erased_at');
}

/** The status of the claim's person (active, archived…). */
export function participantStatus(db: Db, participantId: string) {
  return db('participants').where({ id: participantId }).first('status');
}
