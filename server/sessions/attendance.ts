import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { AppError, joinErrors, notFound, validationError } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { liveClaimsOfSession } from '../claims/index.js';
import { sessionCancelled } from '../venues/index.js';
import { getSession, sessionParticipants, setSessionHeld, type SessionRow } from './repo.js';
import { activeParticipantContacts, touchLastContact } from '../participants/index.js';
import { applyAttendanceChange, attendanceMarkCount, attendanceRows } from './attendance-repo.js';
import { mayChangeAttendance, type AttendanceChange, type AttendanceStatus } from './policy.js';
import { presentSessionParticipant } from './presenter.js';
import { sessionsError } from './errors.js';

/** One person's new mark; null removes it. */
export interface AttendanceMark {
  participantId: string;
  status: AttendanceStatus | null;
}

export interface Refusal {
  participantId: string;
  code: string;
  message: string;
  error: AppError;
}

const nameOf = (p: { first_name: string | null; last_name: string | null; reference: string }) =>
  [p.first_name, p.last_name].filter(Boolean).join(' ') || p.reference;

/** What changing attendance names: the session, the marks, and how refusals are answered (`field` names a mark's form field). */
export interface AttendanceInput {
  sessionId: string;
  marks: AttendanceMark[];
  mode: 'all' | 'each';
  field?: (i: number) => string;
}

/**
 * Changes the attendance of the listed people of a session, person by person: people left out
 * keep their mark. Each change goes through `mayChangeAttendance` (policy.ts) and the one
 * writer `applyAttendanceChange`, in one transaction with the session locked. With `mode`
 * `each` (the attendance page), a refused person is reported and the others are saved; with
 * `all` (the API), one refusal refuses the whole request. Each change is audited; attending is
 * a contact (retention clock) and opens the right to a claim.
 */
export async function changeAttendance(deps: Deps, acting: Acting, input: AttendanceInput) {
  const { sessionId, marks } = input;
  const { now } = acting;
  const field = input.field ?? ((i: number) => `entries.${i}.participantId`);
  return inTransaction(deps.db, async (trx) => {
    const session = await getSession(trx, sessionId, true);
    if (!session) throw notFound('Session');
    if (session.status === 'cancelled') throw sessionCancelled();
    const ids = marks.map((m) => m.participantId);
    const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    if (dup >= 0) throw validationError([{ field: field(dup), message: 'personne en double' }]);
    const { changes, refusals } = await decide(trx, session, marks, field, now);
    if (refusals.length && input.mode === 'all') {
      throw joinErrors(
        refusals.map((r) => r.error),
        refusals.map((r) => ({ field: field(ids.indexOf(r.participantId)), message: r.message })),
      );
    }
    for (const change of changes) {
      await applyAttendanceChange(trx, change, now);
      await recordAudit(trx, acting, {
        action: 'session.attendance_changed',
        recordType: 'session',
        recordId: sessionId,
        data: { participantId: change.participantId, from: change.from, to: change.to, walkIn: change.from === null },
      });
    }
    await touchLastContact(
      trx,
      changes.filter((c) => c.to === 'attended').map((c) => c.participantId),
      now,
    );
    return {
      changed: changes.length,
      refusals,
      items: (await sessionParticipants(trx, sessionId)).map(presentSessionParticipant),
    };
  });
}

/** Asks the policy about each mark; the refusals that concern one person are collected. */
async function decide(trx: Db, session: SessionRow, marks: AttendanceMark[], field: (i: number) => string, now: Date) {
  const ids = marks.map((m) => m.participantId);
  const rows = new Map((await attendanceRows(trx, session.id, ids)).map((r) => [r.participant_id, r]));
  const active = new Map(
    (
      await activeParticipantContacts(
        trx,
        ids.filter((id) => !rows.has(id)),
      )
    ).map((p) => [p.id, p]),
  );
  // Someone not on the list can only be added as a walk-in, and only while active.
  const unknown = marks
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => m.status !== null && !rows.has(m.participantId) && !active.has(m.participantId));
  if (unknown.length)
    throw validationError(unknown.map(({ i }) => ({ field: field(i), message: 'participant inconnu ou inactif' })));
  const claims = await liveClaimsOfSession(trx, session.id, ids);
  const changes: AttendanceChange[] = [];
  const refusals: Refusal[] = [];
  for (const m of marks) {
    const row = rows.get(m.participantId);
    const walkIn = active.get(m.participantId);
    if (!row && !walkIn) continue; // removing the mark of someone not on the list: nothing to do
    const person = row
      ? { participantId: m.participantId, name: nameOf(row), status: row.status, walkIn: row.walk_in }
      : { participantId: m.participantId, name: nameOf(walkIn!), status: null, walkIn: true };
    try {
      const change = mayChangeAttendance(session, person, m.status, claims.get(m.participantId) ?? [], now);
      if (change) changes.push(change);
    } catch (e) {
      // A refusal that concerns the whole session (not started, cancelled) refuses everything.
      if (!(e instanceof AppError) || e.code !== 'attendance_behind_claim') throw e;
      refusals.push({ participantId: m.participantId, code: e.code, message: e.message, error: e });
    }
  }
  return { changes, refusals };
}

/** Marks a session as held; its attendance must be recorded first. Repeating answers the same 200. */
export async function markHeld(deps: Deps, acting: Acting, sessionId: string) {
  return inTransaction(deps.db, async (trx) => {
    const session = await getSession(trx, sessionId, true);
    if (!session) throw notFound('Session');
    if (session.status === 'cancelled') throw sessionCancelled();
    if (session.status === 'held') return;
    const n = await attendanceMarkCount(trx, sessionId);
    if (Number(n) === 0) throw sessionsError('attendance_missing');
    await setSessionHeld(trx, sessionId, acting.now);
    await recordAudit(trx, acting, {
      action: 'session.held',
      recordType: 'session',
      recordId: sessionId,
      data: { recorded: Number(n) },
    });
  });
}
