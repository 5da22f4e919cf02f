import type { Static } from '@sinclair/typebox';
import type { BookingRow, VenueRow } from './repo.js';
import type { VenueView, BookingView } from './schemas.js';

export function presentVenue(v: VenueRow): Static<typeof VenueView> {
  return {
    id: v.id,
    name: v.name,
    address: v.address,
    postalCode: v.postal_code,
    communeInsee: v.commune_insee,
    communeName: v.commune_name,
    capacity: v.capacity,
    stepFreeAccess: v.step_free_access,
    accessibleToilets: v.accessible_toilets,
    hearingLoop: v.hearing_loop,
    pmrParking: v.pmr_parking,
    childcareSpace: v.childcare_space,
    transportAccess: v.transport_access,
    costMode: v.cost_mode,
    costCents: v.cost_cents,
    contactName: v.contact_name,
    contactPhone: v.contact_phone,
    contactEmail: v.contact_email,
    notes: v.notes,
    active: v.active,
    createdAt: v.created_at.toISOString(),
  };
}

export function presentBooking(b: BookingRow): Static<typeof BookingView> {
  return {
    id: b.id,
    venueId: b.venue_id,
    venueName: b.venue_name,
    sessionId: b.session_id,
    sessionTitle: b.session_title,
    startsAt: new Date(b.starts_at).toISOString(),
    endsAt: new Date(b.ends_at).toISOString(),
    status: b.status,
    costCents: b.cost_cents,
    optionExpiresAt: b.option_expires_at?.toISOString() ?? null,
  };
}
