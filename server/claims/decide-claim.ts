import { moveToStatus } from './lifecycle.js';
import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { AppError, notFound, validationError, type ErrorDetail } from '../shared/errors.js';
import { requireOverride } from '../shared/override.js';
import { formatCents } from '../shared/money.js';
import { staffUserId, type Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { recordClaimExpenses } from '../grants/index.js';
import type { DecisionBody } from './schemas.js';
import {
  DECIDED,
  claimLines,
  claimReceipts,
  decisionFacts,
  getClaim,
  linesBackedBy,
  setLineDecision,
  type ClaimRow,
  type LineRow,
} from './repo.js';
import { recomputeClaim } from './compute.js';
import { claimVars, notifyClaim } from './notify.js';
import { OVERRIDE_RECEIPT_ROLES, mayDecide } from './policy.js';
import { hasRole } from './rules.js';
import { claimsError } from './errors.js';

type LineDecision = DecisionBody['lines'][number];

/** The reason a line gets when it is granted its eligible amount but less than asked: the rule (cap) or ineligibility. */
function defaultReason(line: LineRow, granted: number): string | null {
  if (granted >= line.requested_cents) return null;
  if (granted === line.eligible_cents) return line.flags.includes('not_eligible') ? 'not_eligible' : 'over_cap';
  return null;
}

/** The same decision as the one recorded (repeat → same answer)? */
function sameDecision(lines: LineRow[], decisions: LineDecision[]): boolean {
  if (lines.length !== decisions.length) return false;
  const byId = new Map(decisions.map((d) => [d.lineId, d]));
  return lines.every((l) => {
    const d = byId.get(l.id);
    return (
      !!d && d.grantedCents === l.granted_cents && (d.reasonCode ?? defaultReason(l, d.grantedCents)) === l.reason_code
    );
  });
}

/** `mayDecide` on the claim as it stands under its row lock: 403 for a non-decider, 409 `separation_of_duties` for a hand. */
async function assertDecider(trx: Db, actor: Acting['actor'], claim: ClaimRow) {
  const right = mayDecide(actor, await decisionFacts(trx, claim));
  if (right.ok) return;
  throw right.error;
}

/** Checks each line's decision; returns field errors and the lines that need an override. */
async function checkLines(
  trx: Db,
  lines: LineRow[],
  decisions: LineDecision[],
  receipts: Map<string, { sha256: string; amount_cents: number }>,
) {
  const details: ErrorDetail[] = [];
  const byId = new Map(lines.map((l) => [l.id, l]));
  const seen = new Set<string>();
  const noReceipt: string[] = [];
  const unacknowledged: number[] = [];
  const grantedBySha = new Map<string, number>();
  decisions.forEach((d, i) => {
    const line = byId.get(d.lineId);
    if (!line || seen.has(d.lineId))
      return details.push({
        field: `lines.${i}.lineId`,
        message: line ? 'ligne décidée deux fois' : 'ligne inconnue pour cette demande',
      });
    seen.add(d.lineId);
    if (d.grantedCents > line.eligible_cents)
      details.push({
        field: `lines.${i}.grantedCents`,
        message: `ne peut dépasser le montant calculé (${formatCents(line.eligible_cents)})`,
      });
    else if (d.grantedCents < line.eligible_cents && !d.reasonCode)
      details.push({ field: `lines.${i}.reasonCode`, message: 'indiquez le motif de la réduction ou du refus' });
    if (d.reasonCode === 'other' && !d.reasonNote?.trim())
      details.push({ field: `lines.${i}.reasonNote`, message: 'précisez le motif' });
    if (d.grantedCents > 0 && line.flags.includes('missing_receipt')) noReceipt.push(line.id);
    if (d.grantedCents > 0 && line.flags.includes('reused_receipt') && !d.receiptReuseAcknowledged)
      unacknowledged.push(i);
    const r = line.receipt_id ? receipts.get(line.receipt_id) : undefined;
    if (r && d.grantedCents > 0) grantedBySha.set(r.sha256, (grantedBySha.get(r.sha256) ?? 0) + d.grantedCents);
  });
  lines
    .filter((l) => !seen.has(l.id))
    .forEach((l) => details.push({ field: 'lines', message: `la ligne ${l.position + 1} n’est pas décidée` }));
  // The total granted against one receipt (this claim and the others) never exceeds its amount.
  for (const [i, d] of decisions.entries()) {
    const line = byId.get(d.lineId);
    const r = line?.receipt_id ? receipts.get(line.receipt_id) : undefined;
    if (!line || !r || d.grantedCents === 0) continue;
    const elsewhere = (await linesBackedBy(trx, r.sha256))
      .filter((u) => u.claim_id !== line.claim_id && u.status !== 'rejected')
      .reduce((s, u) => s + (u.granted_cents ?? 0), 0);
    if (elsewhere + grantedBySha.get(r.sha256)! > r.amount_cents) {
      details.push({
        field: `lines.${i}.grantedCents`,
        message: `le justificatif ne couvre que ${formatCents(r.amount_cents)}, dont ${formatCents(elsewhere)} déjà accordés ailleurs`,
      });
    }
  }
  return { details, noReceipt, unacknowledged };
}

/** A decision: the claim (`claimId`) and, line by line, what is granted (the request's body). */
export type DecideInput = DecisionBody & { claimId: string };

/**
 * Decides a submitted claim line by line, in the caller's transaction, under a row lock: ten
 * simultaneous decisions give one decision, one audit event and one letter. Mileage is
 * recomputed with the kilometres of earlier lines frozen now. Repeating the recorded decision
 * answers the same; another decision on a decided claim is 409 `claim_already_decided`.
 */
export async function decideClaimIn(trx: Db, deps: Deps, acting: Acting, input: DecideInput): Promise<void> {
  const { claimId } = input;
  const settings = await acting.settings();
  const { actor } = acting;
  const userId = staffUserId(acting);
  let claim = await getClaim(trx, claimId, true);
  if (!claim) throw notFound('Demande');
  await assertDecider(trx, actor, claim);
  if (DECIDED.includes(claim.status)) {
    if (sameDecision(await claimLines(trx, claimId), input.lines)) return;
    throw claimsError('claim_already_decided');
  }
  if (claim.status === 'cancelled') throw claimsError('claim_cancelled');
  if (claim.status !== 'submitted') throw claimsError('claim_not_submitted');
  claim = await recomputeClaim(trx, acting, claimId, { freeze: true });
  const lines = await claimLines(trx, claimId);
  const receipts = new Map((await claimReceipts(trx, claimId)).map((r) => [r.id, r]));
  const { details, noReceipt, unacknowledged } = await checkLines(trx, lines, input.lines, receipts);
  if (details.length) throw validationError(details);
  if (unacknowledged.length) {
    throw claimsError(
      'receipt_reuse_unacknowledged',
      unacknowledged.map((i) => ({
        field: `lines.${i}.receiptReuseAcknowledged`,
        message: 'justificatif déjà utilisé : à confirmer',
      })),
    );
  }
  let override: string | null = null;
  if (noReceipt.length) {
    override = requireOverride(
      claimsError(
        'receipt_requires_override',
        noReceipt.map((id) => ({
          field: `lines.${input.lines.findIndex((d) => d.lineId === id)}.grantedCents`,
          message: 'justificatif manquant',
        })),
      ),
      input.override,
      hasRole(actor.roles, OVERRIDE_RECEIPT_ROLES),
    ).reason;
  }
  const byId = new Map(input.lines.map((d) => [d.lineId, d]));
  let granted = 0;
  let requested = 0;
  let reduced = 0;
  for (const l of lines) {
    const d = byId.get(l.id)!;
    granted += d.grantedCents;
    requested += l.requested_cents;
    if (d.grantedCents < l.requested_cents) reduced++;
    await setLineDecision(trx, l.id, {
      granted_cents: d.grantedCents,
      reason_code: d.reasonCode ?? defaultReason(l, d.grantedCents),
      reason_note: d.reasonNote?.trim() || null,
      receipt_reuse_acknowledged: !!d.receiptReuseAcknowledged && l.flags.includes('reused_receipt'),
    });
  }
  const status = granted === 0 ? 'rejected' : granted >= requested ? 'approved' : 'partially_approved';
  const advance = claim.advance_of_claim_id ? await getClaim(trx, claim.advance_of_claim_id) : undefined;
  const advanced = advance?.amount_granted_cents ?? 0;
  const { now } = acting;
  await moveToStatus(trx, [claimId], status, {
    decided_at: now,
    decided_by: userId,
    amount_granted_cents: granted,
    amount_to_pay_cents: Math.max(0, granted - advanced),
    to_recover_cents: Math.max(0, advanced - granted),
    decision_note: input.note?.trim() || null,
    decision_reason_code: override ? 'receipt_override' : null,
    override_reason: override ?? claim.override_reason,
    updated_at: now,
    version: trx.raw('version + 1'),
  });
  const decided = (await getClaim(trx, claimId))!;
  await recordClaimExpenses(
    trx,
    acting,
    {
      claim: {
        id: claimId,
        projectId: decided.project_id,
        participantId: decided.participant_id,
        advanceOfClaimId: decided.advance_of_claim_id,
        amountToPayCents: Number(decided.amount_to_pay_cents),
      },
      lines: (await claimLines(trx, claimId)).map((l) => ({
        id: l.id,
        category: l.category,
        travelDate: l.travel_date,
        grantedCents: Number(l.granted_cents ?? 0),
      })),
    },
    { override: input.override },
  );
  await notifyClaim(trx, deps, acting, 'claim-decision', decided, await claimVars(trx, settings, decided));
  await recordAudit(trx, acting, {
    action: 'claim.decided',
    recordType: 'claim',
    recordId: claimId,
    reasonCode: override ? 'receipt_override' : null,
    data: {
      status,
      lines: lines.length,
      reduced,
      reasons: [...new Set(input.lines.map((d) => d.reasonCode).filter(Boolean))],
    },
  });
}

/** `decideClaimIn` in a transaction of its own (a savepoint when `deps.db` is a transaction: bulk approval). */
export const decideClaim = (deps: Deps, acting: Acting, input: DecideInput): Promise<void> =>
  inTransaction(deps.db, (trx) => decideClaimIn(trx, deps, acting, input));

/**
 * Approves, in the caller's transaction and each in a savepoint of its own, the submitted claims without any flag, every line at
 * its computed amount; the others are listed as skipped with the reason. `mayDecide` is asked
 * for each claim (and again by `decideClaim` under the lock): a claim the actor had a hand on
 * is skipped as `separation_of_duties`.
 */
export async function bulkApproveIn(trx: Db, deps: Deps, acting: Acting, claimIds: string[]) {
  const approved: string[] = [];
  const skipped: { claimId: string; reason: string }[] = [];
  for (const id of claimIds) {
    const claim = await getClaim(trx, id);
    const right = claim ? mayDecide(acting.actor, await decisionFacts(trx, claim)) : null;
    if (!claim) skipped.push({ claimId: id, reason: 'not_found' });
    else if (claim.status !== 'submitted') skipped.push({ claimId: id, reason: `status_${claim.status}` });
    else if (right && !right.ok) skipped.push({ claimId: id, reason: right.code });
    else if (claim.flags.length) skipped.push({ claimId: id, reason: 'flagged' });
    else {
      try {
        const lines = await claimLines(trx, id);
        // Each claim in a savepoint of its own: a refusal undoes that claim's work only.
        await decideClaim({ ...deps, db: trx }, acting, {
          claimId: id,
          lines: lines.map((l) => ({ lineId: l.id, grantedCents: l.eligible_cents })),
        });
        approved.push(id);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        skipped.push({ claimId: id, reason: e.code });
      }
    }
  }
  return { approved, skipped };
}
