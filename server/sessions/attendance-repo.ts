import type { Db } from '../shared/db.js';
import { ATTENDANCE_STATUSES, type AttendanceChange } from './policy.js';

export interface AttendanceRow {
  participant_id: string;
  status: string;
  walk_in: boolean;
  first_name: string | null;
  last_name: string | null;
  reference: string;
}

/** The rows of these people in the session, with their names (for messages). */
export function attendanceRows(db: Db, sessionId: string, participantIds: string[]): Promise<AttendanceRow[]> {
  return db('session_participants as sp')
    .join('participants as p', 'p.id', 'sp.participant_id')
    .where('sp.session_id', sessionId)
    .whereIn('sp.participant_id', participantIds)
    .select(
      'sp.participant_id',
      'sp.status',
      'sp.walk_in',
      'p.first_name',
      'p.last_name',
      'p.reference',
    ) as unknown as Promise<AttendanceRow[]>;
}

/**
 * Writes one allowed change of attendance: the only writer of attendance marks (a structural
 * test fails on any other write to `session_participants` outside the listed ones). A new mark
 * of someone not on the list adds them as a walk-in; a removed mark returns an invited person
 * to `invited` and takes a walk-in off the list.
 */
export async function applyAttendanceChange(trx: Db, change: AttendanceChange, at: Date): Promise<void> {
  const row = trx('session_participants').where({ session_id: change.sessionId, participant_id: change.participantId });
  if (change.to === null) {
    await (change.walkIn ? row.delete() : row.update({ status: 'invited', attendance_recorded_at: null }));
  } else if (change.from === null) {
    await trx('session_participants').insert({
      session_id: change.sessionId,
      participant_id: change.participantId,
      status: change.to,
      walk_in: true,
      attendance_recorded_at: at,
    });
  } else {
    await row.update({ status: change.to, attendance_recorded_at: at });
  }
}

/** How many people of the session have an attendance mark. */
export async function attendanceMarkCount(db: Db, sessionId: string): Promise<string | number | undefined> {
  const [{ n }] = await db('session_participants')
    .where({ session_id: sessionId })
    .whereIn('status', ATTENDANCE_STATUSES)
    .count({ n: '*' });
  return n;
}

/** The sessions where both records of a merged person have a row, with both rows' statuses. */
export function sessionsOfBoth(
  db: Db,
  sourceId: string,
  keptId: string,
): Promise<{ session_id: string; source_status: string; attendance_recorded_at: Date | null; kept_status: string }[]> {
  return db('session_participants as s')
    .join('session_participants as k', (k) =>
      k.on('k.session_id', 's.session_id').andOn('k.participant_id', db.raw('?', [keptId])),
    )
    .where('s.participant_id', sourceId)
    .select('s.session_id', 's.status as source_status', 's.attendance_recorded_at', 'k.status as kept_status');
}
