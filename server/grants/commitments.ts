import type { Db } from '../shared/db.js';
import type { Override } from '../shared/override.js';
import { localDay } from '../shared/dates.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import type { Settings } from '../settings/index.js';
import { insertExpense } from './repo.js';
import {
  advancePaidOn as advancePaidOnOf,
  bookingHasExpense,
  bookingWithProject,
  bookingsWithoutExpense,
  cancelBookingExpenses,
  cancelClaimExpenses,
  claimLinesWithoutExpense,
  claimsExpensesActual,
  claimsExpensesCommitted,
  paidAtOfClaim,
  setExpensesActual,
  setOverrideReason,
  setOverrideReasons,
} from './commitments-repo.js';
import { placeExpenses, type Warning } from './budget.js';

/**
 * What the budget commits and spends when another capability acts: expenses recorded when a
 * claim is decided, paid, unpaid or cancelled, and when a booking is confirmed or cancelled.
 */

/** What the deciding use case passes beside who acts (whose roles may override): the override if given. */
export interface HookControl {
  override?: Override;
}

const OVERRIDE_CODE = 'budget_override';

async function auditOverride(trx: Db, acting: Acting, expenseIds: string[], source: string) {
  for (const id of expenseIds)
    await recordAudit(trx, acting, {
      action: 'expense.budget_overridden',
      recordType: 'expense',
      recordId: id,
      reasonCode: OVERRIDE_CODE,
      data: { source },
    });
}

/** What claims hand over when a claim is decided: the claim and its lines, as decided. */
export interface DecidedClaim {
  claim: {
    id: string;
    projectId: string;
    participantId: string;
    advanceOfClaimId: string | null;
    amountToPayCents: number;
  };
  lines: { id: string; category: string; travelDate: string; grantedCents: number }[];
}

/**
 * A claim was just decided (same transaction): one committed expense per line granted more
 * than 0 (amount granted, line category, travel date). For an advance settlement, the
 * advance's expenses are cancelled and the settlement's lines carry the real cost; when the
 * advance was already paid and the settlement has nothing more to pay, they are actual at
 * once, dated by the advance's payment. A line would overspend its budget line → 409
 * `budget_exceeded_requires_override` and the whole decision rolls back.
 */
export async function recordClaimExpenses(
  trx: Db,
  acting: Acting,
  { claim, lines: decided }: DecidedClaim,
  control: HookControl,
): Promise<Warning[]> {
  const now = trx.fn.now();
  // The day the advance was paid is the day its expenses became actual (claimsPaid): read before they are cancelled.
  let advancePaidOn: string | null = null;
  if (claim.advanceOfClaimId) {
    advancePaidOn = await advancePaidOnOf(trx, claim.advanceOfClaimId);
    await cancelClaimExpenses(trx, claim.advanceOfClaimId, now);
  }
  const lines = decided.filter((l) => l.grantedCents > 0);
  const ids: string[] = [];
  for (const l of lines) {
    ids.push(
      await insertExpense(trx, {
        project_id: claim.projectId,
        category: l.category,
        source: 'claim_line',
        claim_line_id: l.id,
        claim_id: claim.id,
        participant_id: claim.participantId,
        amount_cents: l.grantedCents,
        incurred_on: l.travelDate,
        created_by: acting.actor.userId,
      }),
    );
  }
  const placed = await placeExpenses(
    trx,
    lines.map((l, i) => ({
      id: ids[i],
      projectId: claim.projectId,
      category: l.category,
      incurredOn: l.travelDate,
      amountCents: l.grantedCents,
    })),
    { check: true, override: control.override, roles: acting.actor.roles },
  );
  if (placed.overridden) {
    await setOverrideReasons(trx, ids, control.override!.reason.trim());
    await auditOverride(trx, acting, ids, 'claim_line');
  }
  if (claim.advanceOfClaimId && claim.amountToPayCents === 0 && advancePaidOn) {
    await setExpensesActual(trx, ids, advancePaidOn, now);
  }
  return placed.warnings;
}

/** The local day the live payment of a claim was paid, if it was. */
async function paidDayOfClaim(trx: Db, settings: Settings, claimId: string): Promise<string | null> {
  const paidAt = await paidAtOfClaim(trx, claimId);
  if (!paidAt) return null;
  return localDay(new Date(paidAt), settings.timeZone);
}

/**
 * The payment of these claims was marked paid (same transaction): their committed expenses
 * become actual, dated by the payment's local day. Claims pass the settlements that had
 * nothing more to pay after their advance with it.
 */
export async function claimsPaid(trx: Db, acting: Acting, claimIds: string[]): Promise<void> {
  if (!claimIds.length) return;
  const settings = await acting.settings();
  const paidAt = acting.now;
  await claimsExpensesActual(trx, claimIds, localDay(paidAt, settings.timeZone), paidAt);
}

/** The bank rejected the payment of these claims (same transaction, settlements included): their actual expenses are committed again. */
export async function claimsUnpaid(trx: Db, claimIds: string[]): Promise<void> {
  if (!claimIds.length) return;
  await claimsExpensesCommitted(trx, claimIds);
}

/** A decided claim was cancelled before payment (same transaction): its expenses are cancelled. */
export async function claimCancelled(trx: Db, claimId: string): Promise<void> {
  await cancelClaimExpenses(trx, claimId, trx.fn.now());
}

/**
 * A booking was just confirmed (same transaction): its cost is committed on the budget
 * (category venue, day of the booking, project of its session). A booking without a session
 * or without cost commits nothing. Over budget → 409 `budget_exceeded_requires_override`.
 */
export async function bookingConfirmed(
  trx: Db,
  acting: Acting,
  bookingId: string,
  control: HookControl,
): Promise<Warning[]> {
  const b = await bookingWithProject(trx, bookingId);
  if (!b || Number(b.cost_cents) <= 0) return [];
  if (await bookingHasExpense(trx, bookingId)) return [];
  const settings = await acting.settings();
  const incurredOn = localDay(new Date(b.starts_at), settings.timeZone);
  const id = await insertExpense(trx, {
    project_id: b.project_id,
    category: 'venue',
    source: 'booking',
    booking_id: bookingId,
    session_id: b.session_id,
    amount_cents: Number(b.cost_cents),
    incurred_on: incurredOn,
    created_by: acting.actor.userId,
    description: 'Réservation de salle',
  });
  const placed = await placeExpenses(
    trx,
    [{ id, projectId: b.project_id, category: 'venue', incurredOn, amountCents: Number(b.cost_cents) }],
    { check: true, override: control.override, roles: acting.actor.roles },
  );
  if (placed.overridden) {
    await setOverrideReason(trx, id, control.override!.reason.trim());
    await auditOverride(trx, acting, [id], 'booking');
  }
  return placed.warnings;
}

/** Bookings were cancelled (one booking, or all of a session): their committed expenses are cancelled (an invoiced one stays actual). */
export async function bookingsCancelled(trx: Db, where: { bookingId?: string; sessionId?: string }): Promise<void> {
  await cancelBookingExpenses(trx, where, trx.fn.now());
}

/**
 * Expenses for the confirmed bookings of a project's sessions that have none yet (bookings
 * confirmed before the project was funded, or before this capability existed). No budget
 * check: the caller re-splits and reports overspending.
 */
export async function backfillBookings(trx: Db, acting: Acting, projectId: string): Promise<number> {
  const rows = await bookingsWithoutExpense(trx, projectId);
  if (!rows.length) return 0;
  const settings = await acting.settings();
  for (const b of rows) {
    await insertExpense(trx, {
      project_id: projectId,
      category: 'venue',
      source: 'booking',
      booking_id: b.id,
      session_id: b.session_id,
      amount_cents: Number(b.cost_cents),
      incurred_on: localDay(new Date(b.starts_at), settings.timeZone),
      created_by: acting.actor.userId,
      description: 'Réservation de salle',
    });
  }
  return rows.length;
}

/**
 * Expenses for the decided claim lines of a project that have none (claims decided before
 * this capability existed): committed, or actual on the payment day when paid (a settlement
 * with nothing more to pay follows its advance's payment); an advance already settled gets
 * none (its settlement carries the cost). No budget check: the caller re-splits.
 */
export async function backfillClaims(trx: Db, acting: Acting, projectId: string): Promise<number> {
  const lines = await claimLinesWithoutExpense(trx, projectId);
  const paidDays = new Map<string, string | null>();
  const paidDay = async (claimId: string) => {
    if (!paidDays.has(claimId)) paidDays.set(claimId, await paidDayOfClaim(trx, await acting.settings(), claimId));
    return paidDays.get(claimId)!;
  };
  for (const l of lines) {
    const followsAdvance = l.advance_of_claim_id && Number(l.amount_to_pay_cents) === 0;
    const paidOn = followsAdvance
      ? await paidDay(l.advance_of_claim_id!)
      : l.status === 'paid'
        ? await paidDay(l.claim_id)
        : null;
    await insertExpense(trx, {
      project_id: projectId,
      category: l.category,
      source: 'claim_line',
      claim_line_id: l.id,
      claim_id: l.claim_id,
      participant_id: l.participant_id,
      amount_cents: l.granted_cents,
      incurred_on: l.travel_date,
      created_by: acting.actor.userId,
      ...(paidOn ? { status: 'actual', paid_on: paidOn } : {}),
    });
  }
  return lines.length;
}
