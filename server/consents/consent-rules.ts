import type { Deps } from '../shared/deps.js';
import type { Db } from '../shared/db.js';
import { conflict, notFound } from '../shared/errors.js';
import { getSettings } from '../settings/index.js';
import { getParticipant, type ConsentParticipant } from './repo.js';
import { localDay } from '../shared/dates.js';

/** Today in the organisation's time zone (read within the caller's transaction). */
export async function organisationToday(deps: Deps, db: Db): Promise<string> {
  const { settings } = await getSettings(db);
  return localDay(deps.now(), settings.timeZone);
}

/**
 * The participant, locked so that consent changes of one person are serialised (one live
 * consent per purpose); it must be active and not merged into another record.
 */
export async function lockWritableParticipant(db: Db, id: string): Promise<ConsentParticipant> {
  const participant = await getParticipant(db, id, true);
  if (!participant) throw notFound('Participant');
  if (participant.merged_into_id) throw conflict('participant_merged', 'Cette fiche a été fusionnée avec une autre : enregistrez les consentements sur la fiche conservée.');
  if (participant.status !== 'active') throw conflict('participant_not_active', 'Cette fiche est archivée ou anonymisée : elle ne peut plus recevoir de consentement.');
  return participant;
}
