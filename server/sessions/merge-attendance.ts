import type { Db } from '../shared/db.js';
import { liveClaimsOfSession } from '../claims/index.js';
import { getSession } from './repo.js';
import { applyAttendanceChange, attendanceRows, sessionsOfBoth } from './attendance-repo.js';
import { isAttendanceStatus, mayChangeAttendance } from './policy.js';

const STATUS_STRENGTH = ['invited', 'declined', 'confirmed', 'absent', 'absent_excused', 'attended'];

/**
 * Moves a merged person's invitations and attendance to the record that is kept. When both
 * records were in one session, the kept row takes the stronger status (attended wins, so no
 * presence is ever dropped) and the source's row goes; a mark the kept row takes goes through
 * `mayChangeAttendance` like any other. Rows of the source alone change owner, marks unchanged.
 */
export async function moveSessionParticipants(trx: Db, sourceId: string, keptId: string, now: Date): Promise<number> {
  const both = await sessionsOfBoth(trx, sourceId, keptId);
  for (const row of both) {
    if (STATUS_STRENGTH.indexOf(row.source_status) > STATUS_STRENGTH.indexOf(row.kept_status)) {
      if (isAttendanceStatus(row.source_status)) {
        const session = (await getSession(trx, row.session_id, true))!;
        const [kept] = await attendanceRows(trx, row.session_id, [keptId]);
        const claims = (await liveClaimsOfSession(trx, row.session_id, [keptId])).get(keptId) ?? [];
        const change = mayChangeAttendance(
          session,
          { participantId: keptId, name: kept.reference, status: kept.status, walkIn: kept.walk_in },
          row.source_status,
          claims,
          now,
        );
        if (change) await applyAttendanceChange(trx, change, row.attendance_recorded_at ?? now);
      } else {
        // A reply (confirmed, declined) is not an attendance mark.
        await trx('session_participants')
          .where({ session_id: row.session_id, participant_id: keptId })
          .update({ status: row.source_status });
      }
    }
    await trx('session_participants').where({ session_id: row.session_id, participant_id: sourceId }).delete();
  }
  return trx('session_participants').where({ participant_id: sourceId }).update({ participant_id: keptId });
}
