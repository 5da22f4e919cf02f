import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { notFound, validationError } from '../shared/errors.js';
import { localDateTimeToInstant, LocalTimeError } from '../shared/dates.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import {
  cancelBookingsOfSession,
  createBookingIn,
  liveBookingOfSession,
  mapOverlap,
  moveBookingOfSession,
  sessionCancelled,
} from '../venues/index.js';
import type { SessionCreateBody, SessionPatchBody } from './schemas.js';
import {
  countsBySession,
  getSession,
  insertSession,
  projectExists,
  sessionParticipants,
  setSessionCancelled,
  updateSessionRow,
} from './repo.js';
import { presentSession } from './presenter.js';
import { notifyParticipant, sessionVars } from './notify.js';
import { sessionsError } from './errors.js';

type Timing = { startsAt?: string; endsAt?: string; startLocal?: string; endLocal?: string };

function instantOf(
  at: string | undefined,
  localValue: string | undefined,
  atField: string,
  localField: string,
  timeZone: string,
): Date | undefined {
  if (at && localValue)
    throw validationError([
      {
        field: localField,
        message: `indiquez soit ${atField} (instant avec décalage), soit ${localField} (heure locale), pas les deux`,
      },
    ]);
  if (at) return new Date(at);
  if (!localValue) return undefined;
  try {
    return localDateTimeToInstant(localValue, timeZone);
  } catch (e) {
    if (e instanceof LocalTimeError) throw validationError([{ field: localField, message: e.message }]);
    throw e;
  }
}

/** Start and end from instants with offsets or local wall-clock times; the end comes after the start. */
export function resolveTimes(
  input: Timing,
  timeZone: string,
  current?: { start: Date; end: Date },
): { start: Date; end: Date } {
  const start = instantOf(input.startsAt, input.startLocal, 'startsAt', 'startLocal', timeZone) ?? current?.start;
  const end = instantOf(input.endsAt, input.endLocal, 'endsAt', 'endLocal', timeZone) ?? current?.end;
  if (!start) throw validationError([{ field: 'startsAt', message: 'champ obligatoire (ou startLocal)' }]);
  if (!end) throw validationError([{ field: 'endsAt', message: 'champ obligatoire (ou endLocal)' }]);
  if (end <= start)
    throw validationError([
      { field: input.endLocal ? 'endLocal' : 'endsAt', message: 'la fin doit être après le début' },
    ]);
  return { start, end };
}

/** A session as the API shows it, with its live booking and participant counts. */
export async function sessionView(db: Db, id: string, timeZone: string) {
  const s = await getSession(db, id);
  if (!s) throw notFound('Session');
  const booking = await liveBookingOfSession(db, id);
  return presentSession(s, booking, (await countsBySession(db, [id])).get(id)!, timeZone);
}

/** Creates a session of a project; with `venueId`, the venue is held as an option for its times. */
export async function createSession(deps: Deps, acting: Acting, input: SessionCreateBody) {
  const settings = await acting.settings();
  return inTransaction(deps.db, async (trx) => {
    const project = await projectExists(trx, input.projectId);
    if (!project) throw validationError([{ field: 'projectId', message: 'projet inconnu' }]);
    if (project.status === 'closed') throw sessionsError('project_closed');
    const { start, end } = resolveTimes(input, settings.timeZone);
    const { now } = acting;
    const row = await insertSession(trx, {
      project_id: input.projectId,
      title: input.title.trim(),
      kind: input.kind,
      starts_at: start,
      ends_at: end,
      capacity: input.capacity,
      meal_provided: input.mealProvided ?? false,
      childcare_on_site: input.childcareOnSite ?? false,
      created_by: acting.actor.userId,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, acting, {
      action: 'session.created',
      recordType: 'session',
      recordId: row.id,
      data: { projectId: input.projectId },
    });
    if (input.venueId) await createBookingIn(trx, deps, acting, { venueId: input.venueId, sessionId: row.id });
    return sessionView(trx, row.id, settings.timeZone);
  });
}

/** Changes session `id` with `patch`; new times move its live booking (and may then overlap: 409 `booking_overlap`). */
export async function updateSession(deps: Deps, acting: Acting, input: { id: string; patch: SessionPatchBody }) {
  const { id, patch } = input;
  const settings = await acting.settings();
  const { now } = acting;
  let bookingId: string | null = null;
  return mapOverlap(
    deps.db,
    acting,
    () => bookingId,
    () =>
      inTransaction(deps.db, async (trx) => {
        const s = await getSession(trx, id, true);
        if (!s) throw notFound('Session');
        if (s.status === 'cancelled') throw sessionCancelled();
        const { start, end } = resolveTimes(patch, settings.timeZone, { start: s.starts_at, end: s.ends_at });
        const changes: Record<string, unknown> = { starts_at: start, ends_at: end, updated_at: now };
        if (patch.title !== undefined) changes.title = patch.title.trim();
        if (patch.kind !== undefined) changes.kind = patch.kind;
        if (patch.capacity !== undefined) changes.capacity = patch.capacity;
        if (patch.mealProvided !== undefined) changes.meal_provided = patch.mealProvided;
        if (patch.childcareOnSite !== undefined) changes.childcare_on_site = patch.childcareOnSite;
        await updateSessionRow(trx, id, changes);
        const booking = await liveBookingOfSession(trx, id);
        if (booking && (start.getTime() !== s.starts_at.getTime() || end.getTime() !== s.ends_at.getTime())) {
          bookingId = booking.id;
          await moveBookingOfSession(trx, booking, start, end, settings.timeZone, now);
        }
        await recordAudit(trx, acting, {
          action: 'session.updated',
          recordType: 'session',
          recordId: id,
          data: { fields: Object.keys(patch) },
        });
        return sessionView(trx, id, settings.timeZone);
      }),
  );
}

/**
 * Cancels a session: its booking is released and every invitee who had not declined is told,
 * by e-mail or letter, in the same transaction. Cancelling again answers the same 200.
 */
export async function cancelSession(deps: Deps, acting: Acting, id: string) {
  const settings = await acting.settings();
  return inTransaction(deps.db, async (trx) => {
    const s = await getSession(trx, id, true);
    if (!s) throw notFound('Session');
    if (s.status === 'held') throw sessionsError('session_held');
    if (s.status === 'scheduled') {
      const { now } = acting;
      const booking = await liveBookingOfSession(trx, id);
      await setSessionCancelled(trx, id, now);
      await cancelBookingsOfSession(trx, id, now);
      const vars = sessionVars(settings, s, booking?.venue ?? null);
      const people = (await sessionParticipants(trx, id)).filter((p) => ['invited', 'confirmed'].includes(p.status));
      // Without a live contact consent nobody is told by message: the person's page lists it (non contacté·e).
      const results = [];
      for (const p of people)
        results.push(
          await notifyParticipant(trx, deps, acting, 'session-cancelled', { ...p, id: p.participant_id }, vars, id),
        );
      const notContacted = results.filter((r) => !r.queued).length;
      await recordAudit(trx, acting, {
        action: 'session.cancelled',
        recordType: 'session',
        recordId: id,
        data: { notified: people.length - notContacted, notContacted, bookingReleased: !!booking },
      });
    }
    return sessionView(trx, id, settings.timeZone);
  });
}
