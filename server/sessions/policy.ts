import { roles, type Role } from '../shared/authorize.js';
import { sessionsError } from './errors.js';

export const SESSION_READERS = roles('staff', 'project_lead', 'auditor', 'admin');
/** Staff and project leads create sessions, invite, and record attendance. */
export const SESSION_WRITER_ROLES: readonly Role[] = ['staff', 'project_lead'];
export const SESSION_WRITERS = roles(...SESSION_WRITER_ROLES);
/**
 * Who may invite beyond the solicitation limit (with a reason, audited): the same people who
 * invite. The limit protects participants from over-solicitation; the reason makes each
 * exception visible to the project lead and the DPO rather than requiring a second person.
 */
export const OVERRIDE_SOLICITATION_ROLES: readonly Role[] = ['staff', 'project_lead'];

/** The marks of attendance (evidence for a claim); invitations and replies are not marks. */
export const ATTENDANCE_STATUSES = ['attended', 'absent_excused', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];
export const isAttendanceStatus = (s: string | null | undefined): s is AttendanceStatus =>
  (ATTENDANCE_STATUSES as readonly string[]).includes(s ?? '');

/** A claim whose evidence is the person's presence: submitted, approved, in a batch or paid. */
export interface LiveClaim {
  reference: string;
  label: string;
}

/** A person as the session's list holds them now (`status` null: not on the list). */
export interface AttendancePerson {
  participantId: string;
  name: string;
  status: string | null;
  walkIn: boolean;
}

declare const allowed: unique symbol;
/**
 * A change of one person's attendance that `mayChangeAttendance` allowed. Only that function
 * makes one, and `applyAttendanceChange` (attendance-repo.ts), the only writer of attendance
 * marks, takes nothing else: a path that skips the rules does not compile.
 */
export interface AttendanceChange {
  readonly [allowed]: true;
  readonly sessionId: string;
  readonly participantId: string;
  readonly from: string | null;
  /** null: the mark is removed (an invited person returns to `invited`, a walk-in leaves the list). */
  readonly to: AttendanceStatus | null;
  readonly walkIn: boolean;
}

const joinFr = (items: string[]) =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;

/**
 * The per-person rules of attendance (docs/domain.md#attendance-is-evidence). Every path that
 * writes an attendance mark — the API per person and in bulk, the attendance page, walk-ins,
 * a participant merge — asks here first.
 *
 * - A cancelled session takes no mark (409 `session_cancelled`).
 * - Before the session starts, nobody is marked present or absent, walk-ins included
 *   (409 `session_not_started`); removing a mark stays possible.
 * - The presence behind a live claim (submitted, approved, in a batch or paid) is neither
 *   changed nor removed (409 `attendance_behind_claim`, naming the claim): cancel or reject the
 *   claim first. Drafts, cancelled and rejected claims do not block.
 *
 * Returns the allowed change, or null when there is nothing to change.
 */
export function mayChangeAttendance(
  session: { id: string; status: string; starts_at: Date },
  person: AttendancePerson,
  to: AttendanceStatus | null,
  liveClaims: readonly LiveClaim[],
  now: Date,
): AttendanceChange | null {
  if (session.status === 'cancelled') throw sessionsError('attendance_session_cancelled', { name: person.name });
  if (to !== null && now.getTime() < session.starts_at.getTime()) {
    throw sessionsError('attendance_session_not_started', { name: person.name });
  }
  const from = person.status;
  if (to === from || (to === null && !isAttendanceStatus(from))) return null;
  if (from === 'attended' && liveClaims.length) {
    const claims = joinFr(liveClaims.map((c) => `${c.reference} (${c.label.toLowerCase()})`));
    throw sessionsError(
      'attendance_behind_claim',
      { name: person.name, claims: `${liveClaims.length > 1 ? 'les demandes' : 'la demande'} ${claims}` },
      liveClaims.map((c) => ({ field: 'participantId', message: `présence justifiant la demande ${c.reference}` })),
    );
  }
  return {
    sessionId: session.id,
    participantId: person.participantId,
    from,
    to,
    walkIn: from === null || person.walkIn,
  } as AttendanceChange;
}
