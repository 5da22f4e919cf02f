import type { Db } from '../shared/db.js';
import { MESSAGE_USES, isConsentBased, type MessageUseCode } from '../privacy/index.js';
import { livePurposeCodes, participantsWithLivePurpose } from './repo.js';

/**
 * What the consent gate says about one message to one participant:
 * - `ok` with `direct: true`: the person has a live `contact` consent, so the contact details
 *   held under it (e-mail) may carry the message;
 * - `ok` with `direct: false`: a legally required message to someone without that consent —
 *   it still goes, but by post or through their association, never by e-mail;
 * - `refused: 'no_consent'`: a consent-based message to someone without a live consent.
 */
export type ContactPermission = { ok: true; direct: boolean } | { ok: false; refused: 'no_consent' };

/**
 * The one consent gate for messages (docs/domain.md#messages-and-their-legal-basis): may a message of this use reach this
 * participant on `today` (`YYYY-MM-DD`, organisation time zone)? Called by the outbox for every
 * message to a participant, in the caller's transaction, so no sender can forget it.
 */
export async function mayContact(
  db: Db,
  participantId: string,
  use: MessageUseCode,
  today: string,
): Promise<ContactPermission> {
  if (MESSAGE_USES[use].audience !== 'participant') throw new Error(`use ${use} is not a message to participants`);
  const live = (await livePurposeCodes(db, participantId, today)).includes('contact');
  if (live) return { ok: true, direct: true };
  return isConsentBased(use) ? { ok: false, refused: 'no_consent' } : { ok: true, direct: false };
}

/** Of these participants, those who may receive consent-based messages on `today` (for lists that say so before sending). */
export async function contactableParticipants(db: Db, participantIds: string[], today: string): Promise<Set<string>> {
  return new Set(await participantsWithLivePurpose(db, participantIds, 'contact', today));
}
