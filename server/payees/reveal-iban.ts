import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import { getPayee } from './repo.js';
import { payeesError } from './errors.js';

/**
 * Decrypts a payee's IBAN for finance or an admin. The audit event is written in the same
 * transaction, so no IBAN is ever shown without its trace.
 */
export async function revealIban(
  deps: Deps,
  actor: AuditActor,
  payeeId: string,
): Promise<{ payeeId: string; participantId: string; iban: string }> {
  return inTransaction(deps.db, async (trx) => {
    const payee = await getPayee(trx, payeeId);
    if (!payee) throw notFound('Bénéficiaire');
    if (!payee.iban_ciphertext || !payee.iban_key_id) throw payeesError('payee_without_iban');
    const iban = deps.keyring.decrypt(payee.iban_ciphertext, payee.iban_key_id);
    await recordAudit(trx, actor, {
      action: 'payee.iban_revealed',
      recordType: 'payee',
      recordId: payeeId,
      data: { participantId: payee.participant_id, keyId: payee.iban_key_id },
    });
    return { payeeId, participantId: payee.participant_id, iban };
  });
}
