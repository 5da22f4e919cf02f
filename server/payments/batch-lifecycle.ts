import type { Knex } from 'knex';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { inTransaction } from '../shared/db.js';
import { staffUserId, type Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import type { Settings } from '../settings/index.js';
import { batchClaims, getBatch, participantNames, releaseClaims, type BatchRow } from './repo.js';
import {
  paidPaymentCount,
  paymentsWithLivePayees,
  setBatchCancelled,
  setBatchExported,
  setBatchVoided,
  setPaymentSnapshot,
} from './lifecycle-repo.js';
import { freezeBankFile } from './bank-file.js';
import { paymentsError } from './errors.js';

async function lockedBatch(trx: Knex.Transaction, id: string): Promise<BatchRow> {
  const batch = await getBatch(trx, id, true);
  if (!batch) throw notFound('Lot de paiement');
  return batch;
}

/** The file format a batch is exported in: cash slip, SEPA transfer (version from the settings) or accounting export. */
export function fileFormatFor(kind: 'transfer' | 'cash', settings: Settings): string {
  if (kind === 'cash') return 'cash_slip';
  return settings.payerMode === 'sepa_transfer' ? settings.sepaVersion : 'accounting_export';
}

/**
 * Exports an open batch: each payment keeps a snapshot of its payee's name, encrypted IBAN
 * (with key id) and BIC as they are now, and a SEPA batch gets its bank file built and frozen
 * here, once (`freezeBankFile`): a file that would not be valid is refused with a 409 naming
 * the payees, and the batch stays open. Exporting an exported or paid batch again answers the
 * same (its files are identical).
 */
export async function exportBatchIn(trx: Knex.Transaction, deps: Deps, acting: Acting, batchId: string): Promise<void> {
  const settings = await acting.settings();
  const { now } = acting;
  const userId = staffUserId(acting);
  const batch = await lockedBatch(trx, batchId);
  if (batch.status === 'exported' || batch.status === 'paid') return;
  if (batch.status !== 'open') throw paymentsError('batch_not_open');
  const format = fileFormatFor(batch.kind, settings);
  if (format.startsWith('pain.') && !settings.debtor.iban) throw paymentsError('debtor_not_configured');
  const rows = await paymentsWithLivePayees(trx, batchId);
  const names = await participantNames(
    trx,
    rows.map((r) => r.participant_id),
  );
  if (batch.kind === 'transfer') {
    const noIban = rows.filter((r) => !r.iban_ciphertext || !r.active);
    if (noIban.length)
      throw paymentsError(
        'batch_payee_without_iban',
        noIban.map((r) => ({ field: `payments.${r.position - 1}`, message: 'bénéficiaire sans IBAN' })),
      );
  }
  for (const r of rows) {
    await setPaymentSnapshot(trx, r.id, {
      payee_name_snapshot: r.name ?? names.get(r.participant_id)?.name ?? null,
      iban_ciphertext_snapshot: batch.kind === 'transfer' ? r.iban_ciphertext : null,
      iban_key_id_snapshot: batch.kind === 'transfer' ? r.iban_key_id : null,
      bic_snapshot: batch.kind === 'transfer' ? r.bic : null,
    });
  }
  await setBatchExported(trx, batchId, format, userId, now);
  const frozen = format.startsWith('pain.')
    ? await freezeBankFile(trx, deps.keyring, (await getBatch(trx, batchId))!, settings, userId)
    : null;
  await recordAudit(trx, acting, {
    action: 'payment_batch.exported',
    recordType: 'payment_batch',
    recordId: batchId,
    data: { format, paymentCount: rows.length, ...(frozen ? { sha256: frozen.sha256 } : {}) },
  });
}

/** `exportBatchIn` in a transaction of its own. */
export const exportBatch = (deps: Deps, acting: Acting, batchId: string) =>
  inTransaction(deps.db, (trx) => exportBatchIn(trx, deps, acting, batchId));

const liveClaimIds = async (trx: Knex.Transaction, batchId: string) =>
  (await batchClaims(trx, batchId)).filter((c) => !c.voided).map((c) => c.claim_id);

/** Cancels an open batch: its claims return to approved and may be batched again. An exported batch may be at the bank: 409, void it instead. */
export async function cancelBatch(deps: Deps, acting: Acting, batchId: string): Promise<void> {
  await inTransaction(deps.db, async (trx) => {
    const batch = await lockedBatch(trx, batchId);
    if (batch.status === 'cancelled') return;
    if (batch.status !== 'open')
      throw paymentsError(
        batch.status === 'exported' ? 'batch_exported_cannot_cancel' : 'batch_not_open_cannot_cancel',
      );
    const { now } = acting;
    const claims = await liveClaimIds(trx, batchId);
    await releaseClaims(trx, claims, null, now);
    await setBatchCancelled(trx, batchId, now);
    await recordAudit(trx, acting, {
      action: 'payment_batch.cancelled',
      recordType: 'payment_batch',
      recordId: batchId,
      data: { claimCount: claims.length },
    });
  });
}

/**
 * Voids an exported batch with a reason: its file must not be sent. Claims return to
 * approved, flagged `batch_voided`, and may be batched again. A batch with payments already
 * marked paid cannot be voided (reject those payments one by one).
 */
export async function voidBatch(deps: Deps, acting: Acting, input: { batchId: string; reason: string }): Promise<void> {
  const { batchId, reason } = input;
  await inTransaction(deps.db, async (trx) => {
    const batch = await lockedBatch(trx, batchId);
    if (batch.status === 'voided') return;
    if (batch.status === 'open') throw paymentsError('batch_not_exported');
    if (batch.status !== 'exported') throw paymentsError('batch_not_exported_cannot_void');
    if ((await paidPaymentCount(trx, batchId)) > 0) throw paymentsError('batch_partly_paid');
    const { now } = acting;
    const claims = await liveClaimIds(trx, batchId);
    await releaseClaims(trx, claims, 'batch_voided', now);
    await setBatchVoided(trx, batchId, reason.trim(), now);
    await recordAudit(trx, acting, {
      action: 'payment_batch.voided',
      recordType: 'payment_batch',
      recordId: batchId,
      data: { claimCount: claims.length },
    });
  });
}
