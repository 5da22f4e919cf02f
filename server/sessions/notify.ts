import type { Acting } from '../shared/acting.js';
import type { Deps } from '../shared/deps.js';
import type { Db } from '../shared/db.js';
import { formatLocalRange, formatLongDate, formatTimeFr } from '../shared/dates.js';
import { enqueueMessage, type EnqueueResult } from '../notifications/index.js';
import { VENUE_ATTRIBUTE_LABELS, type VenueRow } from '../venues/index.js';
import type { Settings } from '../settings/index.js';
import { PARTICIPATION_LEVEL_LABELS } from '../projects/index.js';
import { channelFor, fullName, type ParticipantContact } from '../participants/index.js';
import { SESSION_KIND_LABELS } from './schemas.js';
import type { SessionRow } from './repo.js';

type Person = Pick<ParticipantContact, 'id' | 'first_name' | 'last_name' | 'email' | 'preferred_channel'>;

/** What the invitation and cancellation texts say about a session (plain French, local time). */
export function sessionVars(settings: Settings, s: SessionRow, venue: VenueRow | null) {
  const tz = settings.timeZone;
  const accessibility = venue
    ? (Object.keys(VENUE_ATTRIBUTE_LABELS) as (keyof typeof VENUE_ATTRIBUTE_LABELS)[])
        .filter((k) => venue[k])
        .map((k) => VENUE_ATTRIBUTE_LABELS[k])
    : [];
  const org = settings.address;
  return {
    orgName: settings.name,
    orgPhone: settings.phone,
    orgAddress: [org.line1, org.line2, `${org.postalCode} ${org.city}`.trim()].filter(Boolean).join(', '),
    projectName: s.project_name,
    levelLabel:
      PARTICIPATION_LEVEL_LABELS[s.project_participation_level as keyof typeof PARTICIPATION_LEVEL_LABELS] ?? '',
    title: s.title,
    kindLabel: SESSION_KIND_LABELS[s.kind],
    when: formatLocalRange(s.starts_at, s.ends_at, tz),
    day: formatLongDate(s.starts_at, tz),
    startTime: formatTimeFr(s.starts_at, tz),
    venue: venue
      ? {
          name: venue.name,
          address: [venue.address, [venue.postal_code, venue.commune_name].filter(Boolean).join(' ')]
            .filter(Boolean)
            .join(', '),
          transportAccess: venue.transport_access,
          stepFree: venue.step_free_access,
        }
      : null,
    accessibility,
    mealProvided: s.meal_provided,
    childcareOnSite: s.childcare_on_site,
  };
}

/**
 * Queues one message to a participant in the caller's transaction. Invitations and
 * cancellations are consent-based: without a live contact consent nothing is queued and the
 * result says so (`queued: false`, reason `no_consent`).
 */
export async function notifyParticipant(
  trx: Db,
  deps: Deps,
  acting: Acting,
  template: 'invitation' | 'session-cancelled',
  p: Person,
  vars: Record<string, unknown>,
  sessionId: string,
): Promise<EnqueueResult> {
  const channel = channelFor(p);
  const name = fullName(p);
  return enqueueMessage(trx, deps, acting, {
    template,
    channel,
    to: { participantId: p.id, email: channel === 'email' ? p.email : null, name },
    vars: { ...vars, name },
    related: { type: 'session', id: sessionId },
  });
}
