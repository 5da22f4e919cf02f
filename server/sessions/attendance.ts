import type { Deps } from '../shared/deps.js';
import { conflict, notFound, validationError } from '../shared/errors.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import { sessionCancelled } from '../venues/index.js';
import type { AttendanceBody } from './schemas.js';
import { activeParticipants, getSession, sessionParticipants, touchLastContact } from './repo.js';
import { presentSessionParticipant } from './presenter.js';

const ATTENDANCE = ['attended', 'absent_excused', 'absent'];

/**
 * Replaces the attendance of a session. Listed people get their status (walk-ins who were not
 * invited are added); invited people left out return to `invited` and walk-ins left out are
 * removed. Attending is a contact (retention clock) and opens the right to a claim.
 */
export async function recordAttendance(deps: Deps, actor: AuditActor, sessionId: string, input: AttendanceBody) {
  return deps.db.transaction(async (trx) => {
    const session = await getSession(trx, sessionId, true);
    if (!session) throw notFound('Session');
    if (session.status === 'cancelled') throw sessionCancelled();
    const ids = input.entries.map((e) => e.participantId);
    const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    if (dup >= 0) throw validationError([{ field: `entries.${dup}.participantId`, message: 'personne en double' }]);
    const known = new Set((await activeParticipants(trx, ids)).map((p) => p.id));
    const current = new Map((await trx('session_participants').where({ session_id: sessionId }).select('participant_id', 'status', 'walk_in')).map((r) => [r.participant_id as string, r]));
    const unknown = input.entries.map((e, i) => ({ e, i })).filter(({ e }) => !known.has(e.participantId) && !current.has(e.participantId));
    if (unknown.length) throw validationError(unknown.map(({ i }) => ({ field: `entries.${i}.participantId`, message: 'participant inconnu ou inactif' })));
    const now = deps.now();
    let walkIns = 0;
    for (const e of input.entries) {
      if (current.has(e.participantId)) {
        await trx('session_participants').where({ session_id: sessionId, participant_id: e.participantId }).update({ status: e.status, attendance_recorded_at: now });
      } else {
        walkIns++;
        await trx('session_participants').insert({ session_id: sessionId, participant_id: e.participantId, status: e.status, walk_in: true, attendance_recorded_at: now });
      }
    }
    const listed = new Set(ids);
    for (const [participantId, row] of current) {
      if (listed.has(participantId) || !ATTENDANCE.includes(row.status)) continue;
      const q = trx('session_participants').where({ session_id: sessionId, participant_id: participantId });
      await (row.walk_in ? q.delete() : q.update({ status: 'invited', attendance_recorded_at: null }));
    }
    const attended = input.entries.filter((e) => e.status === 'attended').map((e) => e.participantId);
    await touchLastContact(trx, attended, now);
    await recordAudit(trx, actor, { action: 'session.attendance_recorded', recordType: 'session', recordId: sessionId, data: { attended: attended.length, absent: input.entries.length - attended.length, walkIns } });
    return { items: (await sessionParticipants(trx, sessionId)).map(presentSessionParticipant) };
  });
}

/** Marks a session as held; its attendance must be recorded first. Repeating answers the same 200. */
export async function markHeld(deps: Deps, actor: AuditActor, sessionId: string) {
  return deps.db.transaction(async (trx) => {
    const session = await getSession(trx, sessionId, true);
    if (!session) throw notFound('Session');
    if (session.status === 'cancelled') throw sessionCancelled();
    if (session.status === 'held') return;
    const [{ n }] = await trx('session_participants').where({ session_id: sessionId }).whereIn('status', ATTENDANCE).count({ n: '*' });
    if (Number(n) === 0) throw conflict('attendance_missing', 'Enregistrez d’abord les présences de cette session.');
    await trx('sessions').where({ id: sessionId }).update({ status: 'held', updated_at: deps.now() });
    await recordAudit(trx, actor, { action: 'session.held', recordType: 'session', recordId: sessionId, data: { recorded: Number(n) } });
  });
}
