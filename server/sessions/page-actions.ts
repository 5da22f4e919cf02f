import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { validationError } from '../shared/errors.js';
import type { AuditActor } from '../audit/index.js';
import { getSettings } from '../settings/index.js';
import { cancelBooking, confirmBooking, createBookingIn, liveBookingOfSession } from '../venues/index.js';
import { activeProjects } from './repo.js';
import { sessionsError } from './errors.js';

/** The session pages act on "the session’s booking": these find it and call the booking use cases. */
export async function bookForSession(deps: Deps, actor: AuditActor, sessionId: string, venueId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(venueId)) throw validationError([{ field: 'venueId', message: 'choisissez un lieu' }]);
  const { settings } = await getSettings(deps.db);
  return inTransaction(deps.db, (trx) => createBookingIn(trx, deps, actor, { venueId, sessionId }, settings.timeZone));
}

async function liveBookingId(db: Db, sessionId: string): Promise<string> {
  const b = await liveBookingOfSession(db, sessionId);
  if (!b) throw sessionsError('no_booking');
  return b.id;
}

export async function confirmSessionBooking(deps: Deps, actor: AuditActor, sessionId: string) {
  return confirmBooking(deps, actor, await liveBookingId(deps.db, sessionId));
}

export async function cancelSessionBooking(deps: Deps, actor: AuditActor, sessionId: string) {
  return cancelBooking(deps, actor, await liveBookingId(deps.db, sessionId));
}

export async function projectChoices(db: Db) {
  return [
    { value: '', label: '— Choisir —' },
    ...(await activeProjects(db)).map((p) => ({ value: p.id, label: p.name })),
  ];
}
