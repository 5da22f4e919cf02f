import { AppError, conflict, notFound } from '../shared/errors.js';
import type { Db } from '../shared/db.js';
import { getParticipant, sharedIbanReferences, type PayeeParticipant } from './repo.js';
import type { Warning } from './schemas.js';

/** The participant, which must exist and still be an active, unmerged record to take new bank data. */
export async function writableParticipant(db: Db, id: string): Promise<PayeeParticipant> {
  const participant = await getParticipant(db, id);
  if (!participant) throw notFound('Participant');
  if (participant.merged_into_id) throw conflict('participant_merged', 'Cette fiche a été fusionnée avec une autre : enregistrez les bénéficiaires sur la fiche conservée.');
  if (participant.status !== 'active') throw conflict('participant_not_active', 'Cette fiche est archivée ou anonymisée : elle ne peut plus recevoir de nouvelles données.');
  return participant;
}

/** The non-blocking remark when the IBAN is already on a payee of another participant (references only). */
export async function ibanWarnings(db: Db, hash: string | null, payee: { participant_id: string; kind: string; partner_id: string | null }): Promise<Warning[]> {
  if (!hash) return [];
  const references = await sharedIbanReferences(db, hash, payee);
  if (!references.length) return [];
  const shown = references.length > 5 ? `${references.slice(0, 5).join(', ')}…` : references.join(', ');
  return [{ code: 'iban_shared', message: `Cet IBAN est déjà utilisé pour un autre bénéficiaire (${shown}). Vérifiez qu’il s’agit bien du bon compte.` }];
}

export function fieldError(field: string, message: string): AppError {
  return new AppError('validation_failed', undefined, [{ field, message }]);
}
