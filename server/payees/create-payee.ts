import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import type { PayeeCreateBody, PayeeView, Warning } from './schemas.js';
import { getPartner, getPayee, insertPayee } from './repo.js';
import { presentPayee } from './presenter.js';
import { sealIban, normaliseBic } from './iban.js';
import { fieldError, ibanWarnings, ownIbanOverride, OWN_IBAN_WARNING, writableParticipant } from './payee-rules.js';

/**
 * Adds a payee to a participant. The IBAN is stored encrypted with its masked form and keyed
 * hash; an IBAN already used for another participant is a warning, not an error; the
 * organisation's own IBAN needs an override reason (409 `own_iban_requires_override`).
 */
export async function createPayee(
  deps: Deps,
  actor: AuditActor,
  participantId: string,
  input: PayeeCreateBody,
): Promise<{ payee: PayeeView; warnings: Warning[] }> {
  const kind = input.kind ?? 'participant';
  const name = input.name?.trim() || null;
  return inTransaction(deps.db, async (trx) => {
    await writableParticipant(trx, participantId);
    if (input.name !== undefined && !name) throw fieldError('name', 'ne peut pas être vide');
    if ((kind === 'legal_representative' || kind === 'childcare_provider') && !name)
      throw fieldError('name', 'champ obligatoire : le titulaire du compte');
    if (kind === 'partner') {
      if (!input.partnerId) throw fieldError('partnerId', 'champ obligatoire pour une structure relais');
      const partner = await getPartner(trx, input.partnerId);
      if (!partner || !partner.active) throw fieldError('partnerId', 'structure relais inconnue ou désactivée');
    } else if (input.partnerId) {
      throw fieldError('partnerId', 'seulement pour un bénéficiaire de type structure relais');
    }
    const sealed = input.iban ? sealIban(deps.keyring, input.iban) : null;
    const ownIbanReason = await ownIbanOverride(trx, deps.keyring, sealed?.iban_hash ?? null, input.override);
    const id = await insertPayee(trx, {
      participant_id: participantId,
      kind,
      name,
      partner_id: kind === 'partner' ? input.partnerId : null,
      ...(sealed ?? {}),
      bic: input.bic ? normaliseBic(input.bic) : null,
      own_iban_override_reason: ownIbanReason,
      created_by: actor.userId,
      created_at: deps.now(),
      updated_at: deps.now(),
    });
    const row = (await getPayee(trx, id))!;
    const warnings = [...(ownIbanReason ? [OWN_IBAN_WARNING] : []), ...(await ibanWarnings(trx, row.iban_hash, row))];
    await recordAudit(trx, actor, {
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
  });
}
