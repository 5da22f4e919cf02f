import type { Knex } from 'knex';
import type { Db } from '../shared/db.js';
import { getGrant, type GrantRow } from '../grants/index.js';
import type { DrawnSoFar } from './rules.js';

// Drawdowns (demandes de versement): numbering, the parts they claim and withdraw, and what
// they recorded per year. The rules are in rules.ts (requestedPerYear) and drawdowns.ts.

export interface DrawdownRow {
  id: string;
  grant_id: string;
  number: number;
  period_from: string;
  period_to: string;
  eligible_actual_cents: number;
  cofunding_rate_bp: number;
  requested_cents: number;
  created_at: Date;
}

/** Takes the grant's row lock: drawdowns of one grant are numbered and filled one at a time. */
export async function lockGrant(trx: Knex.Transaction, grantId: string): Promise<GrantRow | undefined> {
  const { rows } = await trx.raw('SELECT id FROM grants WHERE id = ? FOR UPDATE', [grantId]);
  return rows.length ? getGrant(trx, grantId) : undefined;
}

export async function nextDrawdownNumber(trx: Db, grantId: string): Promise<number> {
  const { rows } = await trx.raw('SELECT COALESCE(MAX(number), 0) + 1 AS n FROM drawdowns WHERE grant_id = ?', [
    grantId,
  ]);
  return rows[0].n;
}

export async function insertDrawdown(
  trx: Db,
  row: {
    grant_id: string;
    number: number;
    period_from: string;
    period_to: string;
    cofunding_rate_bp: number;
    created_by: string | null;
  },
): Promise<string> {
  const [r] = await trx('drawdowns')
    .insert({ ...row, eligible_actual_cents: 0, requested_cents: 0 })
    .returning(['id']);
  return r.id;
}

/** A live claim: a drawdown_parts row no later drawdown withdrew (aliases dp, ep). */
const LIVE_CLAIM = 'dp.expense_part_id = ep.id AND dp.withdrawn_by IS NULL';

/**
 * Withdraws the grant's live claims whose expense is no longer actual (payment rejected, claim
 * cancelled, advance settled): this drawdown deducts them. Returns how many and their cents.
 */
export async function withdrawParts(
  trx: Db,
  drawdownId: string,
  grantId: string,
): Promise<{ count: number; cents: number }> {
  const { rows } = await trx.raw(
    `
    WITH w AS (
      UPDATE drawdown_parts dp SET withdrawn_by = ?
        FROM expense_parts ep JOIN expenses e ON e.id = ep.expense_id
       WHERE ${LIVE_CLAIM} AND ep.grant_id = ? AND e.status <> 'actual'
      RETURNING ep.amount_cents)
    SELECT COUNT(*)::bigint AS count, COALESCE(SUM(amount_cents), 0)::bigint AS cents FROM w`,
    [drawdownId, grantId],
  );
  return { count: Number(rows[0].count), cents: Number(rows[0].cents) };
}

/** Claims every actual part of the grant paid in the period and not claimed now, with its payment day. Returns how many and their cents. */
export async function claimParts(
  trx: Db,
  drawdownId: string,
  grantId: string,
  from: string,
  to: string,
): Promise<{ count: number; cents: number }> {
  const { rows } = await trx.raw(
    `
    WITH c AS (
      INSERT INTO drawdown_parts (drawdown_id, expense_part_id, paid_on)
      SELECT ?, ep.id, e.paid_on FROM expense_parts ep JOIN expenses e ON e.id = ep.expense_id
       WHERE ep.grant_id = ? AND e.status = 'actual' AND e.paid_on BETWEEN ?::date AND ?::date
         AND NOT EXISTS (SELECT 1 FROM drawdown_parts dp WHERE ${LIVE_CLAIM})
      RETURNING expense_part_id)
    SELECT COUNT(*)::bigint AS count, COALESCE(SUM(ep.amount_cents), 0)::bigint AS cents FROM c JOIN expense_parts ep ON ep.id = c.expense_part_id`,
    [drawdownId, grantId, from, to],
  );
  return { count: Number(rows[0].count), cents: Number(rows[0].cents) };
}

/** Eligible spend the grant has claimed per budget-line year: its live claims. */
export async function claimedByYear(db: Db, grantId: string): Promise<Map<number, number>> {
  const { rows } = await db.raw(
    `
    SELECT bl.year, SUM(ep.amount_cents)::bigint AS claimed
      FROM drawdown_parts dp JOIN expense_parts ep ON ep.id = dp.expense_part_id JOIN budget_lines bl ON bl.id = ep.budget_line_id
     WHERE dp.withdrawn_by IS NULL AND ep.grant_id = ? GROUP BY bl.year`,
    [grantId],
  );
  return new Map(rows.map((r: { year: number; claimed: number }) => [r.year, Number(r.claimed)]));
}

/** What the grant's drawdowns recorded so far per year (eligible and requested), one drawdown excepted. */
export async function drawnSoFar(
  db: Db,
  grantId: string,
  exceptDrawdownId: string | null = null,
): Promise<Map<number, DrawnSoFar>> {
  const { rows } = await db.raw(
    `
    SELECT dy.year, SUM(dy.eligible_actual_cents)::bigint AS eligible, SUM(dy.requested_cents)::bigint AS requested
      FROM drawdown_years dy JOIN drawdowns d ON d.id = dy.drawdown_id
     WHERE d.grant_id = ? AND d.id IS DISTINCT FROM ?::uuid GROUP BY dy.year`,
    [grantId, exceptDrawdownId],
  );
  return new Map(
    rows.map((r: { year: number; eligible: number; requested: number }) => [
      r.year,
      { eligibleCents: Number(r.eligible), requestedCents: Number(r.requested) },
    ]),
  );
}

export async function finishDrawdown(
  trx: Db,
  id: string,
  years: { year: number; eligibleCents: number; requestedCents: number }[],
): Promise<void> {
  if (years.length)
    await trx('drawdown_years').insert(
      years.map((y) => ({
        drawdown_id: id,
        year: y.year,
        eligible_actual_cents: y.eligibleCents,
        requested_cents: y.requestedCents,
      })),
    );
  await trx('drawdowns')
    .where({ id })
    .update({
      eligible_actual_cents: years.reduce((s, y) => s + y.eligibleCents, 0),
      requested_cents: years.reduce((s, y) => s + y.requestedCents, 0),
    });
}

export function getDrawdown(db: Db, id: string): Promise<DrawdownRow | undefined> {
  return db('drawdowns').where({ id }).first();
}

export function listDrawdowns(db: Db, grantId: string): Promise<DrawdownRow[]> {
  return db('drawdowns').where({ grant_id: grantId }).orderBy('number', 'desc');
}

export async function drawdownYears(
  db: Db,
  id: string,
): Promise<{ year: number; eligible_actual_cents: number; requested_cents: number }[]> {
  return db('drawdown_years')
    .where({ drawdown_id: id })
    .orderBy('year')
    .select('year', 'eligible_actual_cents', 'requested_cents');
}

/** How many parts a drawdown claimed, and how many (and how many cents) it withdrew. */
export async function drawdownPartCounts(
  db: Db,
  id: string,
): Promise<{ claimed: number; withdrawn: number; withdrawnCents: number }> {
  const { rows } = await db.raw(
    `
    SELECT COUNT(*) FILTER (WHERE dp.drawdown_id = ?)::bigint AS claimed, COUNT(*) FILTER (WHERE dp.withdrawn_by = ?)::bigint AS withdrawn,
           COALESCE(SUM(ep.amount_cents) FILTER (WHERE dp.withdrawn_by = ?), 0)::bigint AS withdrawn_cents
      FROM drawdown_parts dp JOIN expense_parts ep ON ep.id = dp.expense_part_id WHERE dp.drawdown_id = ? OR dp.withdrawn_by = ?`,
    [id, id, id, id, id],
  );
  return {
    claimed: Number(rows[0].claimed),
    withdrawn: Number(rows[0].withdrawn),
    withdrawnCents: Number(rows[0].withdrawn_cents),
  };
}

/**
 * What a drawdown for the period would do now (nothing written): the claimed spend per year
 * afterwards (live claims still actual, plus unclaimed actual parts paid in the period), and
 * the parts it would claim and withdraw.
 */
export async function drawdownPreview(
  db: Db,
  grantId: string,
  from: string,
  to: string,
): Promise<{
  claimedByYear: Map<number, number>;
  claim: { count: number; cents: number };
  withdraw: { count: number; cents: number };
}> {
  const { rows } = await db.raw(
    `
    SELECT bl.year, ep.amount_cents, (e.status = 'actual') AS actual, live.yes IS NOT NULL AS live
      FROM expense_parts ep JOIN expenses e ON e.id = ep.expense_id JOIN budget_lines bl ON bl.id = ep.budget_line_id
      LEFT JOIN LATERAL (SELECT 1 AS yes FROM drawdown_parts dp WHERE ${LIVE_CLAIM}) live ON true
     WHERE ep.grant_id = ? AND (live.yes IS NOT NULL OR (e.status = 'actual' AND e.paid_on BETWEEN ?::date AND ?::date))`,
    [grantId, from, to],
  );
  const claimed = new Map<number, number>();
  const claim = { count: 0, cents: 0 };
  const withdraw = { count: 0, cents: 0 };
  for (const r of rows as { year: number; amount_cents: number; actual: boolean; live: boolean }[]) {
    const cents = Number(r.amount_cents);
    if (r.live && !r.actual) {
      withdraw.count++;
      withdraw.cents += cents;
      continue;
    }
    if (!r.live) {
      claim.count++;
      claim.cents += cents;
    }
    claimed.set(r.year, (claimed.get(r.year) ?? 0) + cents);
  }
  return { claimedByYear: claimed, claim, withdraw };
}
