// Venues — places and their bookings (docs/domain.md#venue, docs/domain.md#booking-lifecycle).
// Words: lieu, salle → venue; réservation → booking; accessibilité → accessibility attributes.
// Shape: venues (capacity, accessibility, cost per half-day or day); bookings option → confirmed →
//   cancelled, two confirmed bookings of one venue never overlapping (database constraint).
// Owns: venues, bookings.
// Calls: audit, auth, grants; shared/.

export { VENUE_READERS, VENUE_WRITERS } from './policy.js';
export {
  expireBookingOptions,
  createBookingIn,
  confirmBooking,
  confirmBookingIn,
  cancelBooking,
  mapOverlap,
  costOf,
  sessionCancelled,
  moveBookingOfSession,
  cancelBookingsOfSession,
  OPTION_DAYS,
  type ConfirmBookingInput,
} from './bookings.js';
export {
  liveBookingOfSession,
  liveBookingsOfSessions,
  committedVenueCents,
  getVenue,
  listVenues,
  type VenueRow,
  type BookingRow,
} from './repo.js';
export { presentVenue, presentBooking } from './presenter.js';
export { venueSearchText } from './repo.js';
export { VENUE_ATTRIBUTES, VENUE_ATTRIBUTE_LABELS, COST_MODE_LABELS } from './schemas.js';
