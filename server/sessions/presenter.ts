import type { Static } from '@sinclair/typebox';
import { toLocal } from '../shared/dates.js';
import type { BookingRow } from '../venues/index.js';
import type { SessionParticipantRow, SessionRow } from './repo.js';
import type { SessionView } from './schemas.js';

const local = (d: Date, tz: string) => {
  const l = toLocal(d, tz);
  return `${l.date}T${l.time}`;
};

export function presentSession(
  s: SessionRow,
  booking: BookingRow | undefined | null,
  counts: Record<string, number>,
  timeZone: string,
): Static<typeof SessionView> {
  return {
    id: s.id,
    projectId: s.project_id,
    projectName: s.project_name,
    title: s.title,
    kind: s.kind,
    startsAt: s.starts_at.toISOString(),
    endsAt: s.ends_at.toISOString(),
    startLocal: local(s.starts_at, timeZone),
    endLocal: local(s.ends_at, timeZone),
    status: s.status,
    capacity: s.capacity,
    mealProvided: s.meal_provided,
    childcareOnSite: s.childcare_on_site,
    booking: booking
      ? {
          id: booking.id,
          venueId: booking.venue_id,
          venueName: booking.venue_name,
          status: booking.status,
          costCents: booking.cost_cents,
        }
      : null,
    counts,
  };
}

export function presentSessionParticipant(p: SessionParticipantRow) {
  return {
    participantId: p.participant_id,
    reference: p.reference,
    firstName: p.first_name,
    lastName: p.last_name,
    status: p.status,
    walkIn: p.walk_in,
    invitedAt: p.invited_at?.toISOString() ?? null,
    repliedAt: p.replied_at?.toISOString() ?? null,
  };
}
