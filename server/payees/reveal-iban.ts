import type { Knex } from 'knex';
import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { getPayee } from './repo.js';
import { payeesError } from './errors.js';

/**
 * Decrypts a payee's IBAN for finance or an admin. The audit event is written in the same
 * transaction, so no IBAN is ever shown without its trace.
 */
export async function revealIbanIn(
  trx: Knex.Transaction,
  deps: Deps,
  acting: Acting,
  payeeId: string,
): Promise<{ payeeId: string; participantId: string; iban: string }> {
  const payee = await getPayee(trx, payeeId);
  if (!payee) throw notFound('Bénéficiaire');
  if (!payee.iban_ciphertext || !payee.iban_key_id) throw payeesError('payee_without_iban');
  const iban = deps.keyring.decrypt(payee.iban_ciphertext, payee.iban_key_id);
  await recordAudit(trx, acting, {
    action: 'payee.iban_revealed',
    recordType: 'payee',
    recordId: payeeId,
    data: { participantId: payee.participant_id, keyId: payee.iban_key_id },
  });
  return { payeeId, participantId: payee.participant_id, iban };
}

/** `revealIbanIn` in a transaction of its own. */
export const revealIban = (deps: Deps, acting: Acting, payeeId: string) =>
  inTransaction(deps.db, (trx) => revealIbanIn(trx, deps, acting, payeeId));
