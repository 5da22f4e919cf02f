import type { Knex } from 'knex';
import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { notFound, validationError } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import type { ConsentView, ConsentWithdrawBody } from './schemas.js';
import { eraseNeeds, eraseProfile, setPreferredChannel } from '../participants/index.js';
import { getConsent, lockConsent, markWithdrawn, type ConsentParticipant } from './repo.js';
import { presentConsent } from './presenter.js';
import { lockWritableParticipant, organisationToday } from './consent-rules.js';
import { consentsError } from './errors.js';

/**
 * What a withdrawal does at once to the data the consent covered. Erasing or anonymising a
 * whole person is the privacy capability's job, not this one's.
 */
async function applyWithdrawal(
  db: Db,
  participant: ConsentParticipant,
  purposeCode: string,
  now: Date,
): Promise<string[]> {
  switch (purposeCode) {
    case 'profile':
      await eraseProfile(db, participant.id, now);
      return ['profile_erased'];
    case 'needs':
      await eraseNeeds(db, participant.id, now);
      return ['needs_erased'];
    case 'contact':
      // Without consent to be contacted directly, only the referring partner may pass messages on.
      if (participant.partner_id) {
        await setPreferredChannel(db, participant.id, 'partner', now);
        return ['contact_through_partner'];
      }
      return ['contact_withdrawn'];
    default:
      return [];
  }
}

export interface WithdrawConsentInput {
  participantId: string;
  consentId: string;
  withdrawal: ConsentWithdrawBody;
}

/**
 * Withdraws consent `input.consentId` of participant `input.participantId` (`input.withdrawal`:
 * date and channel): a dated event, never a delete, acting at once on the data it covered.
 * Repeating it answers the same consent, unchanged.
 */
export async function withdrawConsentIn(
  trx: Knex.Transaction,
  _deps: Deps,
  acting: Acting,
  { participantId, consentId, withdrawal: input }: WithdrawConsentInput,
): Promise<ConsentView> {
  const participant = await lockWritableParticipant(trx, participantId);
  const locked = await lockConsent(trx, consentId);
  if (!locked || locked.participant_id !== participantId) throw notFound('Consentement');
  const consent = (await getConsent(trx, consentId))!;
  const today = await organisationToday(acting);
  if (consent.withdrawn_on) return presentConsent(consent, today);
  if (consent.superseded_by) throw consentsError('consent_superseded');
  const withdrawnOn = input.withdrawnOn ?? today;
  if (withdrawnOn > today) throw validationError([{ field: 'withdrawnOn', message: 'ne peut pas être dans le futur' }]);
  if (withdrawnOn < consent.given_on)
    throw validationError([{ field: 'withdrawnOn', message: 'ne peut pas précéder la date du consentement' }]);
  await markWithdrawn(trx, consentId, {
    withdrawn_on: withdrawnOn,
    withdrawal_channel: input.channel,
    withdrawn_by: acting.actor.userId,
  });
  const effects = await applyWithdrawal(trx, participant, consent.purpose_code, acting.now);
  await recordAudit(trx, acting, {
    action: 'consent.withdrawn',
    recordType: 'consent',
    recordId: consentId,
    data: { participantId, purposeCode: consent.purpose_code, channel: input.channel, effects },
  });
  return presentConsent((await getConsent(trx, consentId))!, today);
}

/** `withdrawConsentIn` in a transaction of its own. */
export const withdrawConsent = (deps: Deps, acting: Acting, input: WithdrawConsentInput) =>
  inTransaction(deps.db, (trx) => withdrawConsentIn(trx, deps, acting, input));
