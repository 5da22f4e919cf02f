export { venueRoutes } from './routes.js';
export { VENUE_READERS, VENUE_WRITERS } from './policy.js';
export { expireBookingOptions, createBookingIn, confirmBooking, cancelBooking, mapOverlap, costOf, sessionCancelled, OPTION_DAYS } from './bookings.js';
export { liveBookingOfSession, committedVenueCents, getVenue, listVenues, type VenueRow, type BookingRow } from './repo.js';
export { presentVenue, presentBooking } from './presenter.js';
export { VENUE_ATTRIBUTES, VENUE_ATTRIBUTE_LABELS, COST_MODE_LABELS } from './schemas.js';
export { venuePages } from './pages.js';
