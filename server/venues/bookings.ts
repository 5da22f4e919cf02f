import type { Knex } from 'knex';
import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { AppError, notFound, validationError } from '../shared/errors.js';
import { formatLocalRange } from '../shared/dates.js';
import { venueCost } from '../shared/halfdays.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { bookingConfirmed, bookingsCancelled, type HookControl } from '../grants/index.js';
import type { BookingCreateBody } from './schemas.js';
import {
  cancelExpiredOptions,
  cancelLiveBookingsOfSession,
  getBooking,
  getVenue,
  insertBooking,
  liveBookingOfSession,
  overlappingConfirmed,
  sessionForBooking,
  setBookingCancelled,
  setBookingConfirmed,
  setBookingTimes,
} from './repo.js';
import { presentBooking } from './presenter.js';
import { venuesError } from './errors.js';

/** An option holds a venue for this long, then lapses (a background job cancels it). */
export const OPTION_DAYS = 7;

const pgCode = (e: unknown) => (e as { code?: string }).code;

export function sessionCancelled(): AppError {
  return venuesError('session_cancelled');
}

/** The 409 for an exclusion-constraint violation, naming the confirmed booking in the way (session and local time). */
async function overlapError(db: Db, bookingId: string, timeZone: string): Promise<AppError> {
  const mine = await getBooking(db, bookingId);
  const other = mine
    ? (await overlappingConfirmed(db, mine.venue_id, new Date(mine.starts_at), new Date(mine.ends_at), mine.id))[0]
    : undefined;
  const when = other ? formatLocalRange(new Date(other.starts_at), new Date(other.ends_at), timeZone) : '';
  const what = other?.session_title ? `la session « ${other.session_title} »` : 'une autre réservation';
  return other
    ? venuesError('booking_overlap_with', { what, when }, [
        { field: 'bookingId', message: `${other.id} : ${what}, ${when}` },
      ])
    : venuesError('booking_overlap');
}

/**
 * Runs `work` and turns a violation of the no-overlap constraint (SQLSTATE 23P01, also raised
 * when two transactions race) into a 409 `booking_overlap` naming the other booking, read
 * through `db` (outside `work`'s transaction or savepoint, which the violation rolled back).
 */
export async function mapOverlap<T>(
  db: Db,
  acting: Acting,
  bookingId: () => string | null,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (e) {
    const id = bookingId();
    if (pgCode(e) === '23P01' && id) {
      const settings = await acting.settings();
      throw await overlapError(db, id, settings.timeZone);
    }
    throw e;
  }
}

/** Cost of holding `venueId` over [start, end) by the venue's cost mode. */
export async function costOf(db: Db, venueId: string, start: Date, end: Date, timeZone: string): Promise<number> {
  const venue = await getVenue(db, venueId);
  return venue ? venueCost(venue.cost_mode, venue.cost_cents, start, end, timeZone) : 0;
}

/** Inside the caller's transaction: an option on a venue, for a session's times or a given range. */
export async function createBookingIn(trx: Db, deps: Deps, acting: Acting, input: BookingCreateBody) {
  const { timeZone } = await acting.settings();
  const venue = await getVenue(trx, input.venueId);
  if (!venue || !venue.active) throw validationError([{ field: 'venueId', message: 'lieu inconnu ou désactivé' }]);
  let start = input.startsAt ? new Date(input.startsAt) : null;
  let end = input.endsAt ? new Date(input.endsAt) : null;
  if (input.sessionId) {
    const session = await sessionForBooking(trx, input.sessionId);
    if (!session) throw validationError([{ field: 'sessionId', message: 'session inconnue' }]);
    if (session.status === 'cancelled') throw sessionCancelled();
    if (await liveBookingOfSession(trx, input.sessionId)) throw venuesError('session_already_booked');
    start ??= session.starts_at;
    end ??= session.ends_at;
  }
  if (!start) throw validationError([{ field: 'startsAt', message: 'champ obligatoire (ou indiquez une session)' }]);
  if (!end) throw validationError([{ field: 'endsAt', message: 'champ obligatoire (ou indiquez une session)' }]);
  if (end <= start) throw validationError([{ field: 'endsAt', message: 'doit être après le début' }]);
  const { now } = acting;
  const [row] = await insertBooking(trx, {
    venueId: venue.id,
    sessionId: input.sessionId ?? null,
    start,
    end,
    costCents: venueCost(venue.cost_mode, venue.cost_cents, start, end, timeZone),
    optionExpiresAt: new Date(now.getTime() + OPTION_DAYS * 86_400_000),
    createdBy: acting.actor.userId,
    now,
  });
  await recordAudit(trx, acting, {
    action: 'booking.created',
    recordType: 'booking',
    recordId: row.id,
    data: { venueId: venue.id, sessionId: input.sessionId ?? null },
  });
  return row.id as string;
}

export async function createBooking(deps: Deps, acting: Acting, input: BookingCreateBody) {
  try {
    return await inTransaction(deps.db, async (trx) => {
      const id = await createBookingIn(trx, deps, acting, input);
      return presentBooking((await getBooking(trx, id))!);
    });
  } catch (e) {
    if (pgCode(e) === '23505') throw venuesError('session_already_booked');
    throw e;
  }
}

/** What confirming names: the booking, and the budget override (finance) when its cost goes over a budget line. */
export interface ConfirmBookingInput {
  bookingId: string;
  override?: HookControl['override'];
}

async function confirming(trx: Db, acting: Acting, input: ConfirmBookingInput) {
  const id = input.bookingId;
  const { now } = acting;
  const b = await getBooking(trx, id, true);
  if (!b) throw notFound('Réservation');
  if (b.status === 'confirmed') return presentBooking(b);
  if (b.status === 'cancelled') throw venuesError('booking_cancelled');
  if (b.session_status === 'cancelled') throw sessionCancelled();
  if (b.option_expires_at && b.option_expires_at < now)
    throw venuesError('booking_option_expired', { days: OPTION_DAYS });
  await setBookingConfirmed(trx, id, now);
  await bookingConfirmed(trx, acting, id, { override: input.override });
  await recordAudit(trx, acting, {
    action: 'booking.confirmed',
    recordType: 'booking',
    recordId: id,
    data: { venueId: b.venue_id, costCents: b.cost_cents },
  });
  return presentBooking((await getBooking(trx, id))!);
}

/**
 * Confirms an option. Two confirmed bookings of one venue never overlap: the database refuses
 * the second (409 `booking_overlap`). Confirming a confirmed booking answers the same 200.
 * Over a budget line, finance repeats with `override` (the roles are the actor's).
 */
export async function confirmBooking(deps: Deps, acting: Acting, input: ConfirmBookingInput) {
  return mapOverlap(
    deps.db,
    acting,
    () => input.bookingId,
    () => inTransaction(deps.db, (trx) => confirming(trx, acting, input)),
  );
}

/**
 * `confirmBooking` in the caller's transaction (an idempotent route's), in a savepoint of it:
 * an overlap the database refuses leaves the transaction usable, to name the other booking.
 */
export async function confirmBookingIn(trx: Knex.Transaction, deps: Deps, acting: Acting, input: ConfirmBookingInput) {
  return mapOverlap(
    trx,
    acting,
    () => input.bookingId,
    () => inTransaction(trx, (sp) => confirming(sp, acting, input)),
  );
}

/** Cancels an option or a confirmed booking (idempotent); the venue is free again. */
export async function cancelBooking(deps: Deps, acting: Acting, id: string) {
  const { now } = acting;
  return inTransaction(deps.db, async (trx) => {
    const b = await getBooking(trx, id, true);
    if (!b) throw notFound('Réservation');
    if (b.status !== 'cancelled') {
      await setBookingCancelled(trx, id, now);
      await bookingsCancelled(trx, { bookingId: id });
      await recordAudit(trx, acting, { action: 'booking.cancelled', recordType: 'booking', recordId: id });
    }
    return presentBooking((await getBooking(trx, id))!);
  });
}

/** Background job (run by the system, `systemActing`): options past their delay are cancelled. */
export async function expireBookingOptions(deps: Deps, acting: Acting): Promise<number> {
  return inTransaction(deps.db, async (trx) => {
    const n = await cancelExpiredOptions(trx, acting.now);
    if (n) await recordAudit(trx, acting, { action: 'booking.options_expired', data: { count: n } });
    return n;
  });
}

/** A session moved: its live booking follows (new hours, cost at the venue's rates for them). */
export async function moveBookingOfSession(
  trx: Db,
  booking: { id: string; venue_id: string },
  start: Date,
  end: Date,
  timeZone: string,
  now: Date,
): Promise<void> {
  await setBookingTimes(trx, booking.id, start, end, await costOf(trx, booking.venue_id, start, end, timeZone), now);
}

/** A session was cancelled: its bookings are released, and their committed expenses with them. */
export async function cancelBookingsOfSession(trx: Db, sessionId: string, now: Date): Promise<void> {
  await cancelLiveBookingsOfSession(trx, sessionId, now);
  await bookingsCancelled(trx, { sessionId });
}
