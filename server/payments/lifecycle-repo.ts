import type { Db } from '../shared/db.js';
import type { PaymentRow } from './repo.js';

// The writes of a batch's life (build, export, cancel, void, paid, rejected) and the reads
// that decide them, each run on the caller's transaction.

/** A new batch's row; its id and reference (numbered by the database) come back. */
export async function insertBatch(
  trx: Db,
  row: {
    kind: 'transfer' | 'cash';
    created_by: string | null;
    total_cents: number;
    payment_count: number;
    own_iban_override_reason: string | null;
    created_at: Date;
    updated_at: Date;
  },
): Promise<{ id: string; reference: string }> {
  const [batch] = await trx('payment_batches').insert(row).returning(['id', 'reference']);
  return batch;
}

/** A new payment of a batch; its id comes back. */
export async function insertPayment(
  trx: Db,
  row: {
    batch_id: string;
    position: number;
    participant_id: string;
    payee_id: string | null;
    amount_cents: number;
    end_to_end_id: string;
    created_at: Date;
  },
): Promise<{ id: string }> {
  const [payment] = await trx('payments').insert(row).returning('id');
  return payment;
}

/**
 * The claims a payment pays, as batch rows. The partial unique index `batch_claims_one_live_batch`
 * refuses a claim already in a live batch (the error comes out with that constraint's name).
 */
export async function insertBatchClaims(
  trx: Db,
  rows: { batch_id: string; claim_id: string; payment_id: string; amount_cents: number }[],
): Promise<void> {
  await trx('batch_claims').insert(rows);
}

/** A payment of the batch being exported, with its payee's name and bank details as they are now. */
export interface ExportPaymentRow {
  id: string;
  position: number;
  participant_id: string;
  name: string | null;
  iban_ciphertext: string | null;
  iban_key_id: string | null;
  bic: string | null;
  active: boolean | null;
}

/** A batch's payments in position order, each with its payee as it is now (what the export snapshots). */
export async function paymentsWithLivePayees(trx: Db, batchId: string): Promise<ExportPaymentRow[]> {
  return trx('payments as p')
    .leftJoin('payees as py', 'py.id', 'p.payee_id')
    .where('p.batch_id', batchId)
    .orderBy('p.position')
    .select(
      'p.id',
      'p.position',
      'p.participant_id',
      'py.name',
      'py.iban_ciphertext',
      'py.iban_key_id',
      'py.bic',
      'py.active',
    );
}

/** The export snapshot of a payment: its payee's name, encrypted IBAN (with key id) and BIC. */
export async function setPaymentSnapshot(
  trx: Db,
  paymentId: string,
  snapshot: {
    payee_name_snapshot: string | null;
    iban_ciphertext_snapshot: string | null;
    iban_key_id_snapshot: string | null;
    bic_snapshot: string | null;
  },
): Promise<void> {
  await trx('payments').where({ id: paymentId }).update(snapshot);
}

export async function setBatchExported(
  trx: Db,
  batchId: string,
  format: string,
  userId: string | null,
  now: Date,
): Promise<void> {
  await trx('payment_batches')
    .where({ id: batchId })
    .update({ status: 'exported', file_format: format, exported_at: now, exported_by: userId, updated_at: now });
}

/** The frozen SEPA file of a batch (`files`, purpose `payment_file`). */
export async function setBatchSepaFile(trx: Db, batchId: string, fileId: string): Promise<void> {
  await trx('payment_batches').where({ id: batchId }).update({ sepa_file_id: fileId });
}

export async function setBatchCancelled(trx: Db, batchId: string, now: Date): Promise<void> {
  await trx('payment_batches')
    .where({ id: batchId })
    .update({ status: 'cancelled', cancelled_at: now, updated_at: now });
}

export async function setBatchVoided(trx: Db, batchId: string, reason: string, now: Date): Promise<void> {
  await trx('payment_batches')
    .where({ id: batchId })
    .update({ status: 'voided', voided_at: now, void_reason: reason, updated_at: now });
}

/** An exported batch becomes paid (a batch in any other status is left as it is). */
export async function setBatchPaidIfExported(trx: Db, batchId: string, now: Date): Promise<void> {
  await trx('payment_batches')
    .where({ id: batchId, status: 'exported' })
    .update({ status: 'paid', paid_at: now, updated_at: now });
}

/** How many of a batch's payments are marked paid. */
export async function paidPaymentCount(trx: Db, batchId: string): Promise<number> {
  const paid = await trx('payments').where({ batch_id: batchId, status: 'paid' }).count({ n: '*' });
  return Number(paid[0].n);
}

/** The batch of a payment, unlocked; undefined for an unknown payment. */
export async function paymentBatchId(trx: Db, paymentId: string): Promise<string | undefined> {
  const found = await trx('payments').where({ id: paymentId }).first('batch_id');
  return found?.batch_id;
}

/** A payment, locked (take its batch's lock first). */
export async function lockPayment(trx: Db, paymentId: string): Promise<PaymentRow> {
  return (await trx('payments').where({ id: paymentId }).forUpdate().first()) as PaymentRow;
}

export async function setPaymentPaid(trx: Db, paymentId: string, now: Date): Promise<void> {
  await trx('payments').where({ id: paymentId }).update({ status: 'paid', paid_at: now });
}

export async function setPaymentRejected(trx: Db, paymentId: string, reasonCode: string, now: Date): Promise<void> {
  await trx('payments')
    .where({ id: paymentId })
    .update({ status: 'rejected', rejected_reason_code: reasonCode, rejected_at: now });
}
