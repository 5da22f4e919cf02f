import type { Knex } from 'knex';
import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import type { PayeeCreateBody, PayeeView, Warning } from './schemas.js';
import { getPartner, getPayee, insertPayee } from './repo.js';
import { presentPayee } from './presenter.js';
import { sealIban, normaliseBic } from './iban.js';
import { fieldError, ibanWarnings, ownIbanOverride, OWN_IBAN_WARNING, writableParticipant } from './payee-rules.js';

/**
 * Adds a payee (`input.payee`) to the participant `input.participantId`. The IBAN is stored
 * encrypted with its masked form and keyed hash; an IBAN already used for another participant
 * is a warning, not an error; the organisation's own IBAN needs an override reason (409
 * `own_iban_requires_override`).
 */
export async function createPayeeIn(
  trx: Knex.Transaction,
  deps: Deps,
  acting: Acting,
  input: { participantId: string; payee: PayeeCreateBody },
): Promise<{ payee: PayeeView; warnings: Warning[] }> {
  const { participantId, payee } = input;
  const kind = payee.kind ?? 'participant';
  const name = payee.name?.trim() || null;
  await writableParticipant(trx, participantId);
  if (payee.name !== undefined && !name) throw fieldError('name', 'ne peut pas être vide');
  if ((kind === 'legal_representative' || kind === 'childcare_provider') && !name)
    throw fieldError('name', 'champ obligatoire : le titulaire du compte');
  if (kind === 'partner') {
    if (!payee.partnerId) throw fieldError('partnerId', 'champ obligatoire pour une structure relais');
    const partner = await getPartner(trx, payee.partnerId);
    if (!partner || !partner.active) throw fieldError('partnerId', 'structure relais inconnue ou désactivée');
  } else if (payee.partnerId) {
    throw fieldError('partnerId', 'seulement pour un bénéficiaire de type structure relais');
  }
  const sealed = payee.iban ? sealIban(deps.keyring, payee.iban) : null;
  const ownIbanReason = await ownIbanOverride(deps.keyring, acting, sealed?.iban_hash ?? null, payee.override);
  const id = await insertPayee(trx, {
    participant_id: participantId,
    kind,
    name,
    partner_id: kind === 'partner' ? payee.partnerId : null,
    ...(sealed ?? {}),
    bic: payee.bic ? normaliseBic(payee.bic) : null,
    own_iban_override_reason: ownIbanReason,
    created_by: acting.actor.userId,
    created_at: acting.now,
    updated_at: acting.now,
  });
  const row = (await getPayee(trx, id))!;
  const warnings = [...(ownIbanReason ? [OWN_IBAN_WARNING] : []), ...(await ibanWarnings(trx, row.iban_hash, row))];
  await recordAudit(trx, acting, {
    action: 'payee.created',
    recordType: 'payee',
    recordId: id,
    reasonCode: ownIbanReason ? 'own_iban_override' : null,
    data: {
      participantId,
      kind,
      hasIban: !!sealed,
      ...(warnings.length ? { warnings: warnings.map((w) => w.code) } : {}),
    },
  });
  return { payee: presentPayee(row), warnings };
}

/** `createPayeeIn` in a transaction of its own. */
export const createPayee = (deps: Deps, acting: Acting, input: { participantId: string; payee: PayeeCreateBody }) =>
  inTransaction(deps.db, (trx) => createPayeeIn(trx, deps, acting, input));
