import type { Knex } from 'knex';
import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { validationError } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { cancelBooking, confirmBookingIn, createBookingIn, liveBookingOfSession } from '../venues/index.js';
import { activeProjects } from './repo.js';
import { sessionsError } from './errors.js';

/** The session pages act on "the session’s booking": these find it and call the booking use cases. */
export async function bookForSession(deps: Deps, acting: Acting, input: { sessionId: string; venueId: string }) {
  const { sessionId, venueId } = input;
  if (!/^[0-9a-f-]{36}$/i.test(venueId)) throw validationError([{ field: 'venueId', message: 'choisissez un lieu' }]);
  return inTransaction(deps.db, (trx) => createBookingIn(trx, deps, acting, { venueId, sessionId }));
}

async function liveBookingId(db: Db, sessionId: string): Promise<string> {
  const b = await liveBookingOfSession(db, sessionId);
  if (!b) throw sessionsError('no_booking');
  return b.id;
}

/** In the caller's transaction (the page's keyed form work). */
export async function confirmSessionBookingIn(trx: Knex.Transaction, deps: Deps, acting: Acting, sessionId: string) {
  return confirmBookingIn(trx, deps, acting, { bookingId: await liveBookingId(trx, sessionId) });
}

export async function cancelSessionBooking(deps: Deps, acting: Acting, sessionId: string) {
  return cancelBooking(deps, acting, await liveBookingId(deps.db, sessionId));
}

export async function projectChoices(db: Db) {
  return [
    { value: '', label: '— Choisir —' },
    ...(await activeProjects(db)).map((p) => ({ value: p.id, label: p.name })),
  ];
}
