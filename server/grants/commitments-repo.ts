import type { Knex } from 'knex';
import type { Db } from '../shared/db.js';

/**
 * The queries of `commitments.ts`: the expenses that follow claims and bookings, and the
 * reads of claims, payments and bookings that the one-off backfill of a project funded later
 * needs (reads only: those tables are written by their own capabilities).
 */

/** The day the advance's expenses became actual (the earliest `paid_on`), if they did. */
export async function advancePaidOn(trx: Db, advanceClaimId: string): Promise<string | null> {
  return (
    (await trx('expenses').where({ claim_id: advanceClaimId, status: 'actual' }).orderBy('paid_on').first('paid_on'))
      ?.paid_on ?? null
  );
}

/** Cancels the expenses of a claim not cancelled yet (`now` as cancellation and update time). */
export async function cancelClaimExpenses(trx: Db, claimId: string, now: Knex.Raw): Promise<void> {
  await trx('expenses')
    .where({ claim_id: claimId })
    .whereNot('status', 'cancelled')
    .update({ status: 'cancelled', paid_on: null, cancelled_at: now, updated_at: now });
}

/** Records the override reason on these expenses. */
export async function setOverrideReasons(trx: Db, ids: string[], reason: string): Promise<void> {
  await trx('expenses').whereIn('id', ids).update({ override_reason: reason });
}

/** Records the override reason on one expense. */
export async function setOverrideReason(trx: Db, id: string, reason: string): Promise<void> {
  await trx('expenses').where({ id }).update({ override_reason: reason });
}

/** These expenses become actual, paid on `paidOn`. */
export async function setExpensesActual(trx: Db, ids: string[], paidOn: string, now: Knex.Raw): Promise<void> {
  await trx('expenses').whereIn('id', ids).update({ status: 'actual', paid_on: paidOn, updated_at: now });
}

/** The committed expenses of these claims become actual, paid on `paidOn`. */
export async function claimsExpensesActual(trx: Db, claimIds: string[], paidOn: string, now: Date): Promise<void> {
  await trx('expenses')
    .whereIn('claim_id', claimIds)
    .where({ status: 'committed' })
    .update({ status: 'actual', paid_on: paidOn, updated_at: now });
}

/** The actual expenses of these claims are committed again. */
export async function claimsExpensesCommitted(trx: Db, claimIds: string[]): Promise<void> {
  await trx('expenses')
    .whereIn('claim_id', claimIds)
    .where({ status: 'actual' })
    .update({ status: 'committed', paid_on: null, updated_at: trx.fn.now() });
}

/** The `paid_at` of the live (not voided) payment of a claim when it is paid. */
export async function paidAtOfClaim(trx: Db, claimId: string): Promise<Date | string | null> {
  const row = await trx('batch_claims as bc')
    .join('payments as p', 'p.id', 'bc.payment_id')
    .where({ 'bc.claim_id': claimId, 'bc.voided': false, 'p.status': 'paid' })
    .first('p.paid_at');
  return row?.paid_at ?? null;
}

/** A booking with the project of its session and its start (`starts_at`). */
export interface BookingCostRow {
  id: string;
  cost_cents: number | string;
  session_id: string;
  project_id: string;
  starts_at: Date | string;
}

/** A booking with a session, its cost and the project of its session. */
export async function bookingWithProject(trx: Db, bookingId: string): Promise<BookingCostRow | undefined> {
  return trx('bookings as b')
    .join('sessions as s', 's.id', 'b.session_id')
    .where('b.id', bookingId)
    .first('b.id', 'b.cost_cents', 'b.session_id', 's.project_id', trx.raw('lower(b.during) AS starts_at'));
}

/** Has this booking an expense already? */
export async function bookingHasExpense(trx: Db, bookingId: string): Promise<boolean> {
  return !!(await trx('expenses').where({ booking_id: bookingId }).first('id'));
}

/** Cancels the committed booking expenses of one booking, or of all of a session's bookings. */
export async function cancelBookingExpenses(
  trx: Db,
  where: { bookingId?: string; sessionId?: string },
  now: Knex.Raw,
): Promise<void> {
  const q = trx('expenses').where({ source: 'booking', status: 'committed' });
  if (where.bookingId) q.where({ booking_id: where.bookingId });
  else if (where.sessionId) q.where({ session_id: where.sessionId });
  else return;
  await q.update({ status: 'cancelled', cancelled_at: now, updated_at: now });
}

/** The confirmed bookings with a cost of a project's sessions that have no expense yet. */
export async function bookingsWithoutExpense(
  trx: Db,
  projectId: string,
): Promise<Omit<BookingCostRow, 'project_id'>[]> {
  return trx('bookings as b')
    .join('sessions as s', 's.id', 'b.session_id')
    .where({ 's.project_id': projectId, 'b.status': 'confirmed' })
    .where('b.cost_cents', '>', 0)
    .whereNotExists(trx('expenses as e').whereRaw('e.booking_id = b.id'))
    .select('b.id', 'b.cost_cents', 'b.session_id', trx.raw('lower(b.during) AS starts_at'));
}

/** A decided claim line without an expense, with its claim. */
export interface UnrecordedClaimLine {
  id: string;
  category: string;
  travel_date: string;
  granted_cents: number;
  claim_id: string;
  participant_id: string;
  status: string;
  advance_of_claim_id: string | null;
  amount_to_pay_cents: number | string;
}

/**
 * The lines granted more than 0 of a project's decided claims that have no expense, in claim
 * and line order; an advance with a live decided settlement has none listed.
 */
export async function claimLinesWithoutExpense(trx: Db, projectId: string): Promise<UnrecordedClaimLine[]> {
  return trx('claim_lines as l')
    .join('claims as c', 'c.id', 'l.claim_id')
    .where('c.project_id', projectId)
    .whereIn('c.status', ['approved', 'partially_approved', 'in_batch', 'paid'])
    .where('l.granted_cents', '>', 0)
    .whereNotExists(trx('expenses as e').whereRaw('e.claim_line_id = l.id'))
    .whereNotExists(
      trx('claims as s')
        .whereRaw('s.advance_of_claim_id = c.id')
        .whereNotNull('s.decided_at')
        .whereNot('s.status', 'cancelled'),
    )
    .orderBy(['c.id', 'l.position'])
    .select(
      'l.id',
      'l.category',
      'l.travel_date',
      'l.granted_cents',
      'c.id as claim_id',
      'c.participant_id',
      'c.status',
      'c.advance_of_claim_id',
      'c.amount_to_pay_cents',
    );
}
