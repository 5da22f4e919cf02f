import type { Static } from '@sinclair/typebox';
import type { Db } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import { formatCents } from '../shared/money.js';
import { toLocal } from '../shared/dates.js';
import type { Settings } from '../settings/index.js';
import {
  claimLines,
  claimReceipts,
  claimSessionIds,
  getClaim,
  yearlyGranted,
  type ClaimRow,
  type LineRow,
  type ReceiptRow,
} from './repo.js';
import { reuseOf } from './compute.js';
import type { ClaimListRow } from './queue-repo.js';
import type { ClaimView, ClaimSummary } from './schemas.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export interface Warning {
  code: string;
  message: string;
}

/** A participant's yearly totals: refunds of actual costs and allowances apart (allowances may count as income). */
export async function yearlyTotals(db: Db, settings: Settings, participantId: string, year: number) {
  const { refunds, allowances } = await yearlyGranted(db, participantId, year);
  const warnings: Warning[] = [];
  if (allowances > settings.thresholds.allowanceYearlyWarningCents) {
    warnings.push({
      code: 'allowance_yearly_threshold',
      message: `Indemnités de participation accordées en ${year} : ${formatCents(allowances)}, au-delà du seuil de ${formatCents(settings.thresholds.allowanceYearlyWarningCents)}. Elles peuvent compter comme revenus pour certaines prestations (RSA) : prévenez la personne.`,
    });
  }
  return { participantId, year, refundsCents: refunds, allowancesCents: allowances, warnings };
}

export function presentLine(l: LineRow, reusedWith: { claimId: string; reference: string; lineId: string }[] = []) {
  return {
    id: l.id,
    position: l.position,
    kind: l.kind,
    travelDate: l.travel_date,
    category: l.category,
    input: l.input,
    requestedCents: l.requested_cents,
    eligibleCents: l.eligible_cents,
    explanation: l.explanation,
    rule: l.rule,
    flags: l.flags,
    grantedCents: l.granted_cents,
    reasonCode: l.reason_code,
    reasonNote: l.reason_note,
    priorMileageDeciKm: l.prior_mileage_decikm,
    receiptId: l.receipt_id,
    receiptReuseAcknowledged: l.receipt_reuse_acknowledged,
    reusedWith,
  };
}

export function presentReceipt(r: ReceiptRow) {
  return {
    id: r.id,
    fileId: r.file_id,
    sha256: r.sha256,
    mediaType: r.media_type,
    amountCents: r.amount_cents,
    url: `/claims/${r.claim_id}/receipts/${r.id}`,
  };
}

/** The API shape of a claim: ids, references, codes and amounts (no names: see the participant). */
export function presentClaim(
  c: ClaimRow,
  sessionIds: string[],
  lines: ReturnType<typeof presentLine>[],
  receipts: ReturnType<typeof presentReceipt>[],
  warnings: Warning[],
): Static<typeof ClaimView> {
  return {
    id: c.id,
    reference: c.reference,
    status: c.status,
    participantId: c.participant_id,
    participantReference: c.participant_reference,
    payeeId: c.payee_id,
    projectId: c.project_id,
    sessionIds,
    isAdvance: c.is_advance,
    advanceOfClaimId: c.advance_of_claim_id,
    departureAt: c.departure_at.toISOString(),
    returnAt: c.return_at.toISOString(),
    submittedAt: iso(c.submitted_at),
    decidedAt: iso(c.decided_at),
    decidedBy: c.decided_by,
    enteredBy: c.entered_by,
    flags: c.flags,
    late: c.late,
    amountRequestedCents: c.amount_requested_cents,
    amountEligibleCents: c.amount_eligible_cents,
    amountGrantedCents: c.amount_granted_cents,
    amountToPayCents: c.amount_to_pay_cents,
    toRecoverCents: c.to_recover_cents,
    decisionReasonCode: c.decision_reason_code,
    version: c.version,
    createdAt: c.created_at.toISOString(),
    lines,
    receipts,
    warnings,
  };
}

/** Everything about one claim, presented; with the yearly allowance warning of its participant. */
export async function claimView(db: Db, settings: Settings, id: string) {
  const c = await getClaim(db, id);
  if (!c) throw notFound('Demande');
  const lines = await claimLines(db, id);
  const receipts = await claimReceipts(db, id);
  const reuse = await reuseOf(db, lines, new Map(receipts.map((r) => [r.id, r])));
  const totals = await yearlyTotals(
    db,
    settings,
    c.participant_id,
    Number(toLocal(c.created_at, settings.timeZone).date.slice(0, 4)),
  );
  return presentClaim(
    c,
    await claimSessionIds(db, id),
    lines.map((l) => presentLine(l, reuse.get(l.id))),
    receipts.map(presentReceipt),
    totals.warnings,
  );
}

export function presentSummary(r: ClaimListRow): Static<typeof ClaimSummary> {
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    participantId: r.participant_id,
    participantReference: r.participant_reference,
    projectId: r.project_id,
    isAdvance: r.is_advance,
    flags: r.flags,
    amountRequestedCents: r.amount_requested_cents,
    amountEligibleCents: r.amount_eligible_cents,
    amountGrantedCents: r.amount_granted_cents,
    toRecoverCents: r.to_recover_cents,
    createdAt: r.created_at.toISOString(),
    submittedAt: iso(r.submitted_at),
  };
}
