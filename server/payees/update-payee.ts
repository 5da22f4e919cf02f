import type { Knex } from 'knex';
import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import type { PayeePatchBody, PayeeView, Warning } from './schemas.js';
import { getPayee, lockPayee, updatePayeeRow } from './repo.js';
import { presentPayee } from './presenter.js';
import { normaliseBic, sealIban } from './iban.js';
import { fieldError, ibanWarnings, ownIbanOverride, OWN_IBAN_WARNING, writableParticipant } from './payee-rules.js';

/** Changes the name, BIC or active flag of payee `input.payeeId`, or replaces the IBAN (re-encrypted with the current key; the organisation's own IBAN needs an override reason). */
export async function updatePayeeIn(
  trx: Knex.Transaction,
  deps: Deps,
  acting: Acting,
  input: { payeeId: string; patch: PayeePatchBody },
): Promise<{ payee: PayeeView; warnings: Warning[] }> {
  const { payeeId: id, patch } = input;
  const locked = await lockPayee(trx, id);
  if (!locked) throw notFound('Bénéficiaire');
  await writableParticipant(trx, locked.participant_id);
  const before = (await getPayee(trx, id))!;
  const changes: Record<string, unknown> = { updated_at: acting.now };
  if (patch.name !== undefined) {
    const name = patch.name?.trim() || null;
    if (patch.name !== null && !name) throw fieldError('name', 'ne peut pas être vide');
    if (!name && (before.kind === 'legal_representative' || before.kind === 'childcare_provider'))
      throw fieldError('name', 'champ obligatoire : le titulaire du compte');
    changes.name = name;
  }
  if (patch.bic !== undefined) changes.bic = patch.bic ? normaliseBic(patch.bic) : null;
  if (patch.active !== undefined) changes.active = patch.active;
  let ownIbanReason: string | null = null;
  if (patch.iban !== undefined) {
    const sealed = sealIban(deps.keyring, patch.iban);
    ownIbanReason = await ownIbanOverride(deps.keyring, acting, sealed.iban_hash, patch.override);
    Object.assign(changes, sealed, { own_iban_override_reason: ownIbanReason });
  }
  await updatePayeeRow(trx, id, changes);
  const row = (await getPayee(trx, id))!;
  const warnings =
    patch.iban !== undefined
      ? [...(ownIbanReason ? [OWN_IBAN_WARNING] : []), ...(await ibanWarnings(trx, row.iban_hash, row))]
      : [];
  const action =
    patch.active === false && before.active
      ? 'payee.deactivated'
      : patch.active === true && !before.active
        ? 'payee.reactivated'
        : 'payee.updated';
  await recordAudit(trx, acting, {
    action,
    recordType: 'payee',
    recordId: id,
    reasonCode: ownIbanReason ? 'own_iban_override' : null,
    data: {
      participantId: row.participant_id,
      fields: Object.keys(patch).filter((k) => k !== 'override'),
      ...(warnings.length ? { warnings: warnings.map((w) => w.code) } : {}),
    },
  });
  return { payee: presentPayee(row), warnings };
}

/** `updatePayeeIn` in a transaction of its own. */
export const updatePayee = (deps: Deps, acting: Acting, input: { payeeId: string; patch: PayeePatchBody }) =>
  inTransaction(deps.db, (trx) => updatePayeeIn(trx, deps, acting, input));
