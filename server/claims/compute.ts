import type { Acting } from '../shared/acting.js';
import type { Db } from '../shared/db.js';
import { validationError, type ErrorDetail } from '../shared/errors.js';
import { toLocal } from '../shared/dates.js';
import { computeLine, LINE_CATEGORY, rateSetFor } from '../reimbursement/index.js';
import type { LineInput, LineKind } from '../reimbursement/index.js';
import type { LineInputBody } from './schemas.js';
import {
  claimLines,
  claimReceipts,
  claimSessionIds,
  getClaim,
  hasSettlement,
  linesBackedBy,
  priorMileageDeciKm,
  sessionsByIds,
  setLineComputation,
  touchClaim,
  type ClaimRow,
  type LineRow,
} from './repo.js';
import { claimDeadline } from './rules.js';

/** Line flags that also flag the claim (the claim adds late, advance and payee flags). */
const LINE_FLAGS_TO_CLAIM = ['missing_receipt', 'over_cap', 'taxi', 'not_eligible', 'reused_receipt'];

/** Rows to insert for lines as typed: the computation comes right after (`recomputeClaim`). */
export function lineRows(
  claimId: string,
  lines: LineInputBody[],
  defaultDate: string,
  receiptIds: Set<string>,
): Record<string, unknown>[] {
  const details: ErrorDetail[] = [];
  const quarterHoursByDay = new Map<string, number>();
  const rows = lines.map((l, i) => {
    const { receiptId, ...input } = l;
    const travelDate = l.travelDate ?? defaultDate;
    if (receiptId && !receiptIds.has(receiptId))
      details.push({ field: `lines.${i}.receiptId`, message: 'justificatif inconnu pour cette demande' });
    if (l.kind === 'childcare' && l.childcareQuarterHours) {
      const total = (quarterHoursByDay.get(travelDate) ?? 0) + l.childcareQuarterHours;
      quarterHoursByDay.set(travelDate, total);
      if (total > 96)
        details.push({ field: `lines.${i}.childcareQuarterHours`, message: 'plus de 24 heures de garde le même jour' });
    }
    return {
      claim_id: claimId,
      position: i,
      kind: l.kind,
      travel_date: travelDate,
      category: LINE_CATEGORY[l.kind as LineKind],
      input: JSON.stringify({ ...input, travelDate }),
      requested_cents: 0,
      eligible_cents: 0,
      explanation: '',
      rule: '',
      flags: [],
      receipt_id: receiptId ?? null,
    };
  });
  if (details.length) throw validationError(details);
  return rows;
}

/** What the person asked on a line: the actual cost when they give one, else the computed amount. */
function requestedOf(input: LineInput, eligible: number): number {
  return input.amountCents !== undefined && ['public_transport', 'taxi', 'childcare', 'night'].includes(input.kind)
    ? input.amountCents
    : eligible;
}

/**
 * Recomputes every line of a claim with the policy in force on its travel date, then the
 * claim's totals and flags. Decided lines keep their frozen mileage; with `freeze`, the
 * kilometres of earlier lines are read now and frozen (decision). Throws 400 naming
 * `lines.N.field` when a line lacks what its kind needs. The time zone and the claim deadline
 * are the acting's settings.
 */
export async function recomputeClaim(
  trx: Db,
  acting: Acting,
  claimId: string,
  options: { freeze?: boolean } = {},
): Promise<ClaimRow> {
  const settings = await acting.settings();
  const timeZone = settings.timeZone;
  const deadlineMonths = settings.thresholds.claimDeadlineMonths;
  const claim = (await getClaim(trx, claimId))!;
  const sessions = await sessionsByIds(trx, await claimSessionIds(trx, claimId));
  const lines = await claimLines(trx, claimId);
  const receipts = new Map((await claimReceipts(trx, claimId)).map((r) => [r.id, r]));
  const mealProvided = sessions.some((s) => s.meal_provided);
  const details: ErrorDetail[] = [];
  const claimFlags = new Set<string>();
  let requested = 0;
  let eligible = 0;
  // Mileage bands depend on earlier lines: compute in travel order.
  const ordered = [...lines].sort((a, b) =>
    a.travel_date < b.travel_date ? -1 : a.travel_date > b.travel_date ? 1 : a.seq - b.seq,
  );
  for (const line of ordered) {
    const stored = line.input as unknown as LineInput;
    const receipt = line.receipt_id ? receipts.get(line.receipt_id) : undefined;
    const input: LineInput = {
      ...stored,
      kind: line.kind as LineKind,
      travelDate: line.travel_date,
      hasReceipt: !!receipt || stored.hasReceipt === true,
    };
    let prior = line.prior_mileage_decikm;
    if (line.kind === 'mileage' && (prior === null || options.freeze))
      prior = await priorMileageDeciKm(trx, claim.participant_id, claimId, line.travel_date, line.seq);
    let result;
    try {
      const rates = await rateSetFor(trx, { projectId: claim.project_id, travelDate: line.travel_date });
      result = computeLine(input, {
        rates,
        timeZone,
        departure: claim.departure_at,
        return: claim.return_at,
        mealProvided,
        priorMileageDeciKmThisYear: prior ?? 0,
      });
    } catch (e) {
      if (e instanceof Error && 'field' in e) {
        const field = (e as Error & { field: string }).field;
        details.push({
          field: field === 'return' ? 'returnAt' : `lines.${line.position}.${field}`,
          message: e.message,
        });
        continue;
      }
      throw e;
    }
    const flags: string[] = [...result.flags];
    if (receipt) {
      const others = (await linesBackedBy(trx, receipt.sha256)).filter((u) => u.line_id !== line.id);
      if (others.length) flags.push('reused_receipt');
    }
    for (const f of flags) if (LINE_FLAGS_TO_CLAIM.includes(f)) claimFlags.add(f);
    const asked = requestedOf(input, result.eligibleCents);
    requested += asked;
    eligible += result.eligibleCents;
    await setLineComputation(trx, line.id, {
      category: result.category,
      requested_cents: asked,
      eligible_cents: result.eligibleCents,
      explanation: result.explanation,
      rule: result.rule,
      flags,
      prior_mileage_decikm:
        line.kind === 'mileage' && (options.freeze || line.prior_mileage_decikm !== null) ? prior : null,
    });
  }
  if (details.length) throw validationError(details);
  if (claim.is_advance && !['cancelled', 'draft'].includes(claim.status)) claimFlags.add('advance_to_settle');
  if (claim.is_advance && (await hasSettlement(trx, claimId))) claimFlags.delete('advance_to_settle');
  for (const kept of ['attendance_override', 'advance_settlement', 'absent'])
    if (claim.flags.includes(kept)) claimFlags.add(kept);
  if (!claim.payee_id) claimFlags.add('no_payee');
  let late = false;
  if (claim.submitted_at && !claim.is_advance && sessions.length) {
    const lastEnd = sessions.reduce((m, s) => (s.ends_at > m ? s.ends_at : m), sessions[0].ends_at);
    late = toLocal(claim.submitted_at, timeZone).date > claimDeadline(toLocal(lastEnd, timeZone).date, deadlineMonths);
    if (late) claimFlags.add('late');
  }
  await touchClaim(
    trx,
    claimId,
    { amount_requested_cents: requested, amount_eligible_cents: eligible, flags: [...claimFlags].sort(), late },
    acting.now,
  );
  return (await getClaim(trx, claimId))!;
}

/** The lines backed by the same receipt content elsewhere, for links on the claim page. */
export async function reuseOf(db: Db, lines: LineRow[], receipts: Map<string, { sha256: string }>) {
  const out = new Map<string, { claimId: string; reference: string; lineId: string }[]>();
  for (const l of lines) {
    const r = l.receipt_id ? receipts.get(l.receipt_id) : undefined;
    if (!r) continue;
    const uses = (await linesBackedBy(db, r.sha256)).filter((u) => u.line_id !== l.id);
    if (uses.length)
      out.set(
        l.id,
        uses.map((u) => ({ claimId: u.claim_id, reference: u.reference, lineId: u.line_id })),
      );
  }
  return out;
}
