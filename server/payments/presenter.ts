import type { Static } from '@sinclair/typebox';
import type { Db } from '../shared/db.js';
import { localDay } from '../shared/dates.js';
import type { Settings } from '../settings/index.js';
import { notFound } from '../shared/errors.js';
import type { ListParams } from '../shared/pagination.js';
import type { BatchViewT, BatchStatus, BatchSummary } from './schemas.js';
import {
  batchClaims,
  batchesPage,
  batchPayments,
  getBatch,
  livePayees,
  participantClaimPayments,
  participantNames,
  batchPaymentsAfter,
  batchPayment,
  paymentsClaims,
  type BatchRow,
  type BatchClaimRow,
  type PaymentRow,
} from './repo.js';
import { paidLines } from './certificates.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentBatchSummary(b: BatchRow): Static<typeof BatchSummary> {
  return {
    id: b.id,
    reference: b.reference,
    status: b.status,
    kind: b.kind,
    fileFormat: b.file_format,
    totalCents: Number(b.total_cents),
    paymentCount: b.payment_count,
    createdAt: b.created_at.toISOString(),
    exportedAt: iso(b.exported_at),
    paidAt: iso(b.paid_at),
    cancelledAt: iso(b.cancelled_at),
    voidedAt: iso(b.voided_at),
  };
}

type PaymentClaims = BatchViewT['payments'][number]['claims'];

/** The claims of each payment, grouped in one pass (never a lookup per payment). */
function claimsByPayment(claims: BatchClaimRow[]): Map<string, PaymentClaims> {
  const byPayment = new Map<string, PaymentClaims>();
  for (const c of claims) {
    const list = byPayment.get(c.payment_id) ?? [];
    list.push({ id: c.claim_id, reference: c.reference, amountCents: Number(c.amount_cents), voided: c.voided });
    byPayment.set(c.payment_id, list);
  }
  return byPayment;
}

function presentPayment(p: PaymentRow, claims: Map<string, PaymentClaims>): BatchViewT['payments'][number] {
  return {
    id: p.id,
    position: p.position,
    participantId: p.participant_id,
    payeeId: p.payee_id,
    amountCents: Number(p.amount_cents),
    endToEndId: p.end_to_end_id,
    status: p.status,
    rejectedReasonCode: p.rejected_reason_code,
    paidAt: iso(p.paid_at),
    claims: claims.get(p.id) ?? [],
  };
}

/**
 * A batch with its payments and their claims: ids, references, codes and amounts only, never
 * names nor bank details (the response of an idempotent POST is stored with its key).
 */
export async function batchView(db: Db, batchId: string, skipped?: Record<string, number>): Promise<BatchViewT> {
  const b = await getBatch(db, batchId);
  if (!b) throw notFound('Lot de paiement');
  const payments = await batchPayments(db, batchId);
  const claims = claimsByPayment(await batchClaims(db, batchId));
  return {
    ...presentBatchSummary(b),
    voidReason: b.void_reason,
    payments: payments.map((p) => presentPayment(p, claims)),
    ...(skipped ? { skipped } : {}),
  };
}

/** Payments shown per page of a batch (a batch may hold tens of thousands). */
export const BATCH_PAGE_SIZE = 50;

/**
 * The batch page's view: the batch, and one page of its payments (after a position) with each
 * payee's name (export snapshot, or the payee as it is now while open), masked IBAN and which
 * certificates exist. Totals come from the batch row, never from the rows shown.
 */
export async function batchPageView(db: Db, batchId: string, afterPosition = 0) {
  const b = await getBatch(db, batchId);
  if (!b) throw notFound('Lot de paiement');
  const rows = await batchPaymentsAfter(db, batchId, afterPosition, BATCH_PAGE_SIZE + 1);
  const more = rows.length > BATCH_PAGE_SIZE;
  const shown = rows.slice(0, BATCH_PAGE_SIZE);
  return { ...(await presentBatchPage(db, b, shown)), nextAfter: more ? shown[shown.length - 1].position : null };
}

/** The batch without its payments (a confirmation page). */
export async function batchSummaryView(db: Db, batchId: string) {
  const b = await getBatch(db, batchId);
  if (!b) throw notFound('Lot de paiement');
  return presentBatchSummary(b);
}

/** The batch with the one payment a page acts on (reject), or not found. */
export async function batchPaymentPageView(db: Db, batchId: string, paymentId: string) {
  const b = await getBatch(db, batchId);
  if (!b) throw notFound('Lot de paiement');
  const p = await batchPayment(db, batchId, paymentId);
  if (!p) throw notFound('Paiement');
  const view = await presentBatchPage(db, b, [p]);
  return { batch: view, payment: view.payments[0] };
}

async function presentBatchPage(db: Db, b: BatchRow, rows: PaymentRow[]) {
  const ids = rows.map((p) => p.id);
  const claims = claimsByPayment(await paymentsClaims(db, ids));
  const payees = await livePayees(
    db,
    rows.map((p) => p.payee_id).filter((x): x is string => !!x),
  );
  const people = await participantNames(
    db,
    rows.map((p) => p.participant_id),
  );
  const paid = ids.length ? await paidLines(db, { paymentIds: ids }) : { refund: [], allowance: [] };
  const withRefund = new Set(paid.refund.map((l) => l.paymentId));
  const withAllowance = new Set(paid.allowance.map((l) => l.paymentId));
  return {
    ...presentBatchSummary(b),
    voidReason: b.void_reason,
    sepaFileId: b.sepa_file_id,
    ownIbanOverrideReason: b.own_iban_override_reason,
    payments: rows.map((row) => {
      const p = presentPayment(row, claims);
      const live = p.payeeId ? payees.get(p.payeeId) : undefined;
      return {
        ...p,
        payeeName: row.payee_name_snapshot ?? live?.name ?? people.get(p.participantId)?.name ?? null,
        ibanMasked: live?.iban_masked ?? null,
        certificates: { refund: withRefund.has(p.id), allowance: withAllowance.has(p.id) },
      };
    }),
  };
}

export async function listBatches(db: Db, params: ListParams & { status?: BatchStatus }) {
  const page = await batchesPage(db, params);
  return { items: page.items.map(presentBatchSummary), nextCursor: page.nextCursor };
}

/**
 * The payment section of a participant's page: their claims with status, batch, payment and
 * paid date (and which per-payment certificates exist), and per calendar year of payment the
 * refunds and allowances paid, with a warning when allowances pass the yearly threshold
 * (they may count as income for social benefits).
 */
export async function participantPayments(db: Db, settings: Settings, participantId: string) {
  const claims = await participantClaimPayments(db, participantId);
  const paid = await paidLines(db, { participantId });
  const withRefund = new Set(paid.refund.map((l) => l.paymentId));
  const withAllowance = new Set(paid.allowance.map((l) => l.paymentId));
  const kindsOf = (paymentId: string | null) => ({
    refund: !!paymentId && withRefund.has(paymentId),
    allowance: !!paymentId && withAllowance.has(paymentId),
  });
  const years = new Map<number, { year: number; refundsCents: number; allowancesCents: number }>();
  for (const kind of ['refund', 'allowance'] as const) {
    for (const l of paid[kind]) {
      const year = Number(localDay(l.paidAt, settings.timeZone).slice(0, 4));
      const y = years.get(year) ?? { year, refundsCents: 0, allowancesCents: 0 };
      if (kind === 'refund') y.refundsCents += l.cents;
      else y.allowancesCents += l.cents;
      years.set(year, y);
    }
  }
  const threshold = settings.thresholds.allowanceYearlyWarningCents;
  return {
    claims: claims.map((c) => ({
      id: c.id,
      reference: c.reference,
      status: c.status,
      amountGrantedCents: c.amount_granted_cents,
      amountToPayCents: c.amount_to_pay_cents,
      batchId: c.batch_id,
      batchReference: c.batch_reference,
      paymentId: c.payment_id,
      paymentStatus: c.payment_status,
      paidAt: iso(c.paid_at),
      voided: !!c.voided,
      certificates:
        c.payment_status === 'paid' && !c.voided ? kindsOf(c.payment_id) : { refund: false, allowance: false },
    })),
    years: [...years.values()]
      .sort((a, b) => b.year - a.year)
      .map((y) => ({ ...y, overThreshold: y.allowancesCents > threshold })),
    thresholdCents: threshold,
  };
}
