import type { Knex } from 'knex';
import { inTransaction } from '../shared/db.js';
import type { Deps } from '../shared/deps.js';
import { notFound, validationError } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { enqueueMessage } from '../notifications/index.js';
import { lockClaimsInIdOrder, markPaid as markClaimsPaid, paymentRejected } from '../claims/index.js';
import { channelFor, fullName, participantContact } from '../participants/index.js';
import { batchClaims, batchPayments, getBatch, voidBatchRows, type PaymentRow } from './repo.js';
import {
  lockPayment,
  paymentBatchId,
  setBatchPaidIfExported,
  setPaymentPaid,
  setPaymentRejected,
} from './lifecycle-repo.js';
import { paymentsError } from './errors.js';

/** Tells the participant their payment was made (e-mail when they chose it, else a letter), in the caller's transaction. */
async function notifyPayment(
  trx: Knex.Transaction,
  deps: Deps,
  acting: Acting,
  payment: PaymentRow,
  claimReferences: string[],
) {
  const p = await participantContact(trx, payment.participant_id);
  if (!p || p.status !== 'active') return;
  const channel = channelFor(p);
  const name = fullName(p);
  const settings = await acting.settings();
  await enqueueMessage(trx, deps, acting, {
    template: 'payment-sent',
    channel,
    to: { participantId: p.id, email: channel === 'email' ? p.email : null, name },
    vars: {
      name,
      orgName: settings.name,
      orgPhone: settings.phone,
      amountCents: Number(payment.amount_cents),
      references: claimReferences.join(', '),
      cash: !payment.iban_ciphertext_snapshot,
    },
    related: { type: 'payment', id: payment.id },
  });
}

/** An exported batch whose payments are all settled (paid or rejected, at least one paid) is paid. */
async function closeIfSettled(trx: Knex.Transaction, batchId: string, now: Date) {
  const payments = await batchPayments(trx, batchId);
  if (payments.some((p) => p.status === 'pending') || !payments.some((p) => p.status === 'paid')) return;
  await setBatchPaidIfExported(trx, batchId, now);
}

/**
 * Marks an exported batch paid, whole or some payments: payments get their date, claims
 * become `paid`, each participant is told (outbox, same transaction). Marking again what is
 * already paid answers the same.
 */
export async function markPaidIn(
  trx: Knex.Transaction,
  deps: Deps,
  acting: Acting,
  input: { batchId: string; paymentIds?: string[] },
): Promise<void> {
  const { batchId, paymentIds } = input;
  const batch = await getBatch(trx, batchId, true);
  if (!batch) throw notFound('Lot de paiement');
  if (batch.status !== 'exported' && batch.status !== 'paid')
    throw paymentsError(batch.status === 'open' ? 'batch_open_cannot_pay' : 'batch_cancelled_cannot_pay');
  const payments = await batchPayments(trx, batchId);
  const byId = new Map(payments.map((p) => [p.id, p]));
  const unknown = (paymentIds ?? []).map((id, i) => ({ id, i })).filter((x) => !byId.has(x.id));
  if (unknown.length)
    throw validationError(
      unknown.map((x) => ({ field: `paymentIds.${x.i}`, message: 'paiement inconnu dans ce lot' })),
    );
  const chosen = paymentIds
    ? [...new Set(paymentIds)].map((id) => byId.get(id)!)
    : payments.filter((p) => p.status !== 'rejected');
  const rejected = chosen.filter((p) => p.status === 'rejected');
  if (rejected.length)
    throw paymentsError(
      'payment_rejected',
      rejected.map((p) => ({ field: `payment ${p.end_to_end_id}`, message: 'rejeté' })),
    );
  const todo = chosen.filter((p) => p.status === 'pending');
  if (todo.length === 0) return;
  const { now } = acting;
  const claims = (await batchClaims(trx, batchId)).filter((c) => !c.voided);
  // All at once, in id order (the loop below writes them payment by payment).
  const todoIds = new Set(todo.map((p) => p.id));
  await lockClaimsInIdOrder(
    trx,
    claims.filter((c) => todoIds.has(c.payment_id)).map((c) => c.claim_id),
  );
  for (const p of todo) {
    const mine = claims.filter((c) => c.payment_id === p.id);
    await setPaymentPaid(trx, p.id, now);
    await markClaimsPaid(
      trx,
      acting,
      mine.map((c) => c.claim_id),
    );
    await notifyPayment(
      trx,
      deps,
      acting,
      p,
      mine.map((c) => c.reference),
    );
  }
  await closeIfSettled(trx, batchId, now);
  await recordAudit(trx, acting, {
    action: 'payment_batch.marked_paid',
    recordType: 'payment_batch',
    recordId: batchId,
    data: { paymentCount: todo.length, paymentIds: todo.map((p) => p.id) },
  });
}

/** `markPaidIn` in a transaction of its own. */
export const markPaid = (deps: Deps, acting: Acting, input: { batchId: string; paymentIds?: string[] }) =>
  inTransaction(deps.db, (trx) => markPaidIn(trx, deps, acting, input));

/**
 * Records a payment rejected by the bank (with its ISO reason code): its claims return to
 * approved, flagged `payment_rejected`, their batch rows are voided, so they can go into a
 * new batch. Rejecting again with the same code answers the same.
 */
export async function rejectPayment(
  deps: Deps,
  acting: Acting,
  input: { paymentId: string; reasonCode: string },
): Promise<{ batchId: string }> {
  const { paymentId, reasonCode } = input;
  return inTransaction(deps.db, async (trx) => {
    const batchId = await paymentBatchId(trx, paymentId);
    if (!batchId) throw notFound('Paiement');
    const batch = (await getBatch(trx, batchId, true))!;
    const payment = await lockPayment(trx, paymentId);
    if (payment.status === 'rejected') {
      if (payment.rejected_reason_code === reasonCode) return { batchId: batch.id };
      throw paymentsError('payment_already_rejected');
    }
    if (batch.status !== 'exported' && batch.status !== 'paid') throw paymentsError('batch_not_exported_cannot_reject');
    const { now } = acting;
    const claims = (await batchClaims(trx, batch.id)).filter((c) => !c.voided && c.payment_id === paymentId);
    await setPaymentRejected(trx, paymentId, reasonCode, now);
    await paymentRejected(
      trx,
      claims.map((c) => c.claim_id),
      now,
    );
    await voidBatchRows(
      trx,
      claims.map((c) => c.claim_id),
      now,
    );
    await closeIfSettled(trx, batch.id, now);
    await recordAudit(trx, acting, {
      action: 'payment.rejected',
      recordType: 'payment',
      recordId: paymentId,
      reasonCode,
      data: { batchId: batch.id, claimCount: claims.length },
    });
    return { batchId: batch.id };
  });
}
