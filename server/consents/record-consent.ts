import type { Knex } from 'knex';
import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { validationError, type ErrorDetail } from '../shared/errors.js';
import { storeDocument } from '../shared/files.js';
import { formatDate } from '../shared/format.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import type { ConsentCreateBody, ConsentView } from './schemas.js';
import {
  getConsent,
  getPurpose,
  insertConsent,
  isActiveStaff,
  lockUnreplacedConsent,
  setSupersededBy,
} from './repo.js';
import { touchLastContact } from '../participants/index.js';
import { presentConsent } from './presenter.js';
import { addMonths } from '../shared/dates.js';
import { lockWritableParticipant, organisationToday } from './consent-rules.js';

export interface EvidenceUpload {
  buffer: Buffer;
  originalname?: string;
}

export interface RecordConsentInput {
  participantId: string;
  consent: ConsentCreateBody;
  evidence?: EvidenceUpload;
}

/**
 * Records a consent (`input.consent`) of participant `input.participantId` with the purpose's
 * current text version and legal basis, and its evidence file (`input.evidence`) if any. A
 * consent for a purpose that already has one replaces it: the old one is marked superseded in
 * the same transaction, so there is always at most one per purpose.
 */
export async function recordConsentIn(
  trx: Knex.Transaction,
  _deps: Deps,
  acting: Acting,
  { participantId, consent: input, evidence }: RecordConsentInput,
): Promise<{ consent: ConsentView; supersededConsentId: string | null }> {
  await lockWritableParticipant(trx, participantId);
  const today = await organisationToday(acting);
  const purpose = await getPurpose(trx, input.purposeCode);
  const errors: ErrorDetail[] = [];
  if (!purpose || !purpose.active) errors.push({ field: 'purposeCode', message: 'finalité inconnue ou désactivée' });
  if (input.channel === 'oral' && !input.witnessUserId)
    errors.push({
      field: 'witnessUserId',
      message: 'obligatoire pour un accord oral : le membre du personnel qui en est témoin',
    });
  else if (input.witnessUserId && !(await isActiveStaff(trx, input.witnessUserId)))
    errors.push({ field: 'witnessUserId', message: 'doit être un agent administratif au compte actif' });
  if (input.givenOn > today) errors.push({ field: 'givenOn', message: 'ne peut pas être dans le futur' });
  const expiresOn =
    input.expiresOn ?? (purpose?.validity_months ? addMonths(input.givenOn, purpose.validity_months) : null);
  if (expiresOn && expiresOn <= input.givenOn)
    errors.push({ field: 'expiresOn', message: 'doit être postérieure à la date de recueil' });
  const previous = purpose ? await lockUnreplacedConsent(trx, participantId, purpose.code) : undefined;
  if (previous && previous.given_on > input.givenOn) {
    errors.push({
      field: 'givenOn',
      message: `un consentement plus récent (du ${formatDate(previous.given_on)}) existe déjà pour cette finalité`,
    });
  }
  if (errors.length || !purpose) throw validationError(errors);

  const file = await storeDocument(trx, evidence, {
    field: 'evidence',
    purpose: 'consent_evidence',
    createdBy: acting.actor.userId,
  });
  // The partial unique index allows one unreplaced consent per purpose: the new row is
  // inserted pointing at the old one (so not yet live), the old one is marked superseded,
  // then the new one becomes live.
  const id = await insertConsent(trx, {
    participant_id: participantId,
    purpose_code: purpose.code,
    legal_basis: purpose.legal_basis,
    text_version: purpose.text_version,
    channel: input.channel,
    witness_user_id: input.witnessUserId ?? null,
    given_on: input.givenOn,
    expires_on: expiresOn,
    evidence_file_id: file?.id ?? null,
    superseded_by: previous?.id ?? null,
    recorded_by: acting.actor.userId,
    created_at: acting.now,
  });
  if (previous) {
    await setSupersededBy(trx, previous.id, id);
    await setSupersededBy(trx, id, null);
  }
  await touchLastContact(trx, [participantId], acting.now);
  await recordAudit(trx, acting, {
    action: 'consent.recorded',
    recordType: 'consent',
    recordId: id,
    data: {
      participantId,
      purposeCode: purpose.code,
      channel: input.channel,
      textVersion: purpose.text_version,
      evidence: !!file,
      supersededConsentId: previous?.id ?? null,
    },
  });
  return { consent: presentConsent((await getConsent(trx, id))!, today), supersededConsentId: previous?.id ?? null };
}

/** `recordConsentIn` in a transaction of its own. */
export const recordConsent = (deps: Deps, acting: Acting, input: RecordConsentInput) =>
  inTransaction(deps.db, (trx) => recordConsentIn(trx, deps, acting, input));
