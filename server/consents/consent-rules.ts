import type { Db } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { getParticipant, type ConsentParticipant } from './repo.js';
import { localDay } from '../shared/dates.js';
import { consentsError } from './errors.js';

/** Today in the organisation's time zone, as the request sees it (its clock, its settings). */
export async function organisationToday(acting: Acting): Promise<string> {
  return localDay(acting.now, (await acting.settings()).timeZone);
}

/**
 * The participant, locked so that consent changes of one person are serialised (one live
 * consent per purpose); it must be active and not merged into another record.
 */
export async function lockWritableParticipant(db: Db, id: string): Promise<ConsentParticipant> {
  const participant = await getParticipant(db, id, true);
  if (!participant) throw notFound('Participant');
  if (participant.merged_into_id) throw consentsError('consent_participant_merged');
  if (participant.status !== 'active') throw consentsError('consent_participant_not_active');
  return participant;
}
