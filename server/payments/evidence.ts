import type { Deps } from '../shared/deps.js';
import type { Db } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import { formatCents } from '../shared/money.js';
import { formatDate } from '../shared/format.js';
import type { Settings } from '../settings/index.js';
import { batchClaims, getBatch } from './repo.js';
import { batchFileData } from './file-data.js';
import { accountingCsv, batchSlip } from './documents.js';
import { BATCH_STATUS_LABELS, PAYMENT_STATUS_LABELS, REJECT_REASON_LABELS } from './schemas.js';
import { claimPaymentHistory } from './documents-repo.js';
import { paymentsError } from './errors.js';

/** What the batch evidence bundle holds besides its claims: the slip, the accounting CSV, and the claims in reference order. */
export interface BatchEvidence {
  reference: string;
  exportedAt: Date;
  claims: { id: string; reference: string }[];
  slip: Uint8Array;
  accountingCsv: string;
}

/**
 * The batch-level parts of an evidence bundle, for an exported or paid batch (409 otherwise:
 * an open batch has no files yet, a voided one must not be sent). Every claim the batch
 * exported is listed, even one whose payment the bank rejected later: the bundle shows what was sent.
 */
export async function batchEvidence(deps: Deps, settings: Settings, batchId: string): Promise<BatchEvidence> {
  const batch = await getBatch(deps.db, batchId);
  if (!batch) throw notFound('Lot de paiement');
  if (batch.status !== 'exported' && batch.status !== 'paid') {
    throw paymentsError(batch.status === 'open' ? 'batch_open_no_evidence' : 'batch_cancelled_no_evidence');
  }
  const payments = await batchFileData(deps.db, deps.keyring, batch, settings.timeZone);
  const claims = (await batchClaims(deps.db, batchId)).map((c) => ({ id: c.claim_id, reference: c.reference }));
  return {
    reference: batch.reference,
    exportedAt: batch.exported_at!,
    claims,
    slip: await batchSlip(batch, settings, payments, (s) => BATCH_STATUS_LABELS[s]),
    accountingCsv: accountingCsv(batch, settings, payments),
  };
}

/**
 * The payment reference of a claim, as plain text for its evidence bundle: batch reference,
 * end-to-end id (what the bank statement shows), amount, status and date. Null when the claim
 * was never in an exported batch. No name nor bank details.
 */
export async function paymentReferenceText(db: Db, settings: Settings, claimId: string): Promise<string | null> {
  const rows = await claimPaymentHistory(db, claimId);
  if (rows.length === 0) return null;
  const day = (d: Date | null) => (d ? formatDate(d, settings.timeZone) : '—');
  const blocks = rows.map((r) =>
    [
      `Lot de paiement : ${r.reference} (${BATCH_STATUS_LABELS[r.batch_status as keyof typeof BATCH_STATUS_LABELS].toLowerCase()})`,
      `Exporté le : ${day(r.exported_at)}`,
      `Référence de bout en bout (relevé bancaire) : ${r.end_to_end_id}`,
      `Montant de cette demande : ${formatCents(Number(r.amount_cents))}`,
      `État du paiement : ${PAYMENT_STATUS_LABELS[r.status] ?? r.status}`,
      ...(r.paid_at ? [`Payé le : ${day(r.paid_at)}`] : []),
      ...(r.rejected_reason_code
        ? [
            `Rejeté par la banque le ${day(r.rejected_at)} : ${REJECT_REASON_LABELS[r.rejected_reason_code as keyof typeof REJECT_REASON_LABELS] ?? ''} (${r.rejected_reason_code})`,
          ]
        : []),
      ...(r.batch_status === 'voided'
        ? [`Lot annulé après export le ${day(r.voided_at)} : le fichier n’a pas été envoyé.`]
        : []),
    ].join('\r\n'),
  );
  return `${blocks.join('\r\n\r\n')}\r\n`;
}
