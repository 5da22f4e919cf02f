import type { PayeeRow } from './repo.js';
import type { PayeeView } from './schemas.js';

/** The fields of a payee a response may show: the masked IBAN only, never its ciphertext or hash. */
export function presentPayee(p: PayeeRow): PayeeView {
  return {
    id: p.id,
    participantId: p.participant_id,
    kind: p.kind,
    name: p.display_name,
    partnerId: p.partner_id,
    ibanMasked: p.iban_masked,
    ibanShared: !!p.iban_shared,
    bic: p.bic,
    active: p.active,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
}
