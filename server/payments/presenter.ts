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
  type BatchRow,
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

/**
 * A batch with its payments and their claims: ids, references, codes and amounts only, never
 * names nor bank details (the response of an idempotent POST is stored with its key).
 */
export async function batchView(db: Db, batchId: string, skipped?: Record<string, number>): Promise<BatchViewT> {
  const b = await getBatch(db, batchId);
  if (!b) throw notFound('Lot de paiement');
  const payments = await batchPayments(db, batchId);
  const claims = await batchClaims(db, batchId);
  return {
    ...presentBatchSummary(b),
    voidReason: b.void_reason,
    payments: payments.map((p) => ({
      id: p.id,
      position: p.position,
      participantId: p.participant_id,
      payeeId: p.payee_id,
      amountCents: Number(p.amount_cents),
      endToEndId: p.end_to_end_id,
      status: p.status,
      rejectedReasonCode: p.rejected_reason_code,
      paidAt: iso(p.paid_at),
      claims: claims
        .filter((c) => c.payment_id === p.id)
        .map((c) => ({
          id: c.claim_id,
          reference: c.reference,
          amountCents: Number(c.amount_cents),
          voided: c.voided,
        })),
    })),
    ...(skipped ? { skipped } : {}),
  };
}

/** The batch page's view: the API view plus each payee's name (export snapshot, or the payee as it is now while open) and masked IBAN. */
export async function batchPageView(db: Db, batchId: string) {
  const view = await batchView(db, batchId);
  const rows = await batchPayments(db, batchId);
  const payees = await livePayees(
    db,
    rows.map((p) => p.payee_id).filter((x): x is string => !!x),
  );
  const people = await participantNames(
    db,
    rows.map((p) => p.participant_id),
  );
  const paid = await paidLines(db, { batchId });
  const { sepa_file_id: sepaFileId, own_iban_override_reason: ownIbanOverrideReason } = (await getBatch(db, batchId))!;
  return {
    ...view,
    sepaFileId,
    ownIbanOverrideReason,
    payments: view.payments.map((p, i) => {
      const live = p.payeeId ? payees.get(p.payeeId) : undefined;
      const certificates = {
        refund: paid.refund.some((l) => l.paymentId === p.id),
        allowance: paid.allowance.some((l) => l.paymentId === p.id),
      };
      return {
        ...p,
        payeeName: rows[i].payee_name_snapshot ?? live?.name ?? people.get(p.participantId)?.name ?? null,
        ibanMasked: live?.iban_masked ?? null,
        certificates,
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
  const kindsOf = (paymentId: string | null) => ({
    refund: !!paymentId && paid.refund.some((l) => l.paymentId === paymentId),
    allowance: !!paymentId && paid.allowance.some((l) => l.paymentId === paymentId),
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
