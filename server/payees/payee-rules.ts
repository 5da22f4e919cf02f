import { AppError, notFound } from '../shared/errors.js';
import type { Db } from '../shared/db.js';
import type { Keyring } from '../shared/crypto.js';
import { requireOverride, type Override } from '../shared/override.js';
import type { Acting } from '../shared/acting.js';
import { ownIbanHash } from './iban.js';
import { getParticipant, sharedIbanReferences, type PayeeParticipant } from './repo.js';
import type { Warning } from './schemas.js';
import { payeesError } from './errors.js';

/** The participant, which must exist and still be an active, unmerged record to take new bank data. */
export async function writableParticipant(db: Db, id: string): Promise<PayeeParticipant> {
  const participant = await getParticipant(db, id);
  if (!participant) throw notFound('Participant');
  if (participant.merged_into_id) throw payeesError('payee_participant_merged');
  if (participant.status !== 'active') throw payeesError('payee_participant_not_active');
  return participant;
}

/** The non-blocking remark when the IBAN is already on a payee of another participant (references only). */
export async function ibanWarnings(
  db: Db,
  hash: string | null,
  payee: { participant_id: string; kind: string; partner_id: string | null },
): Promise<Warning[]> {
  if (!hash) return [];
  const references = await sharedIbanReferences(db, hash, payee);
  if (!references.length) return [];
  const shown = references.length > 5 ? `${references.slice(0, 5).join(', ')}…` : references.join(', ');
  return [
    {
      code: 'iban_shared',
      message: `Cet IBAN est déjà utilisé pour un autre bénéficiaire (${shown}). Vérifiez qu’il s’agit bien du bon compte.`,
    },
  ];
}

export function fieldError(field: string, message: string): AppError {
  return new AppError('validation_failed', undefined, [{ field, message }]);
}

export const OWN_IBAN_CODE = 'own_iban_requires_override';
export const OWN_IBAN_WARNING: Warning = {
  code: 'own_iban',
  message:
    'Cet IBAN est celui du compte de l’organisme (le compte à débiter des paramètres) : le motif indiqué est enregistré.',
};

/**
 * A payee whose IBAN (keyed hash) is the organisation's own debtor IBAN is almost always a
 * typing mistake: 409 `own_iban_requires_override` unless the request repeats with
 * `override.reason`. Returns the reason to keep on the payee, or null when the IBAN is not
 * the organisation's.
 */
export async function ownIbanOverride(
  keyring: Keyring,
  acting: Acting,
  ibanHash: string | null,
  override: Override | undefined,
): Promise<string | null> {
  if (!ibanHash) return null;
  const settings = await acting.settings();
  if (ibanHash !== ownIbanHash(keyring, settings.debtor.iban)) return null;
  return requireOverride(
    payeesError('payee_own_iban_requires_override', [{ field: 'iban', message: 'IBAN du compte de l’organisme' }]),
    override,
    true,
  ).reason;
}
