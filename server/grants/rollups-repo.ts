import { inTransaction, type Db } from '../shared/db.js';

// The expense rollups (grant_part_rollup, expense_rollup) are written by triggers on expenses
// and expense_parts (db/migrations/20261207T2310-expense-rollups.ts); here, what the service does
// with them besides reading: merge the deltas, rebuild them, compare them with the detail rows.

const PART_KEY = 'grant_id, budget_line_id, project_id, category, source, status, incurred_on, paid_on';
const EXPENSE_KEY = 'project_id, category, source, status, incurred_on, paid_on';
/** The parts on a grant grouped by the rollup's combination, from the detail rows (columns: the key, n, a). */
const PARTS_FROM_DETAIL = `
  SELECT p.grant_id, p.budget_line_id, e.project_id, e.category, e.source, e.status, e.incurred_on, e.paid_on,
         count(*) AS n, sum(p.amount_cents) AS a
    FROM expense_parts p JOIN expenses e ON e.id = p.expense_id
   WHERE p.grant_id IS NOT NULL
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;
const EXPENSES_FROM_DETAIL = `SELECT ${EXPENSE_KEY}, count(*) AS n, sum(amount_cents) AS a FROM expenses GROUP BY ${EXPENSE_KEY}`;

/** Merges the rollup deltas the triggers wrote since the last run (a job, every minute). */
export async function compactExpenseRollups(db: Db): Promise<void> {
  await db.raw('SELECT compact_expense_rollups()');
}

/**
 * Rebuilds the rollups from the detail rows, in one transaction (a bulk load that wrote parts
 * before their expenses, or a repair after `expenseRollupDrift` found a difference).
 */
export async function rebuildExpenseRollups(db: Db): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.raw('LOCK TABLE expenses, expense_parts IN SHARE MODE');
    await trx.raw('TRUNCATE grant_part_rollup, expense_rollup');
    await trx.raw(`
      INSERT INTO grant_part_rollup (${PART_KEY}, part_count, amount_cents, compacted)
      SELECT ${PART_KEY}, n, a, true FROM (${PARTS_FROM_DETAIL}) d`);
    await trx.raw(`
      INSERT INTO expense_rollup (${EXPENSE_KEY}, expense_count, amount_cents, compacted)
      SELECT ${EXPENSE_KEY}, n, a, true FROM (${EXPENSES_FROM_DETAIL}) d`);
  });
}

/**
 * Rollup combinations that differ from their detail rows (the invariant checker's and the
 * tests' check; 0 and 0 when the triggers kept them exact). Reads every part: never on a page.
 */
export async function expenseRollupDrift(db: Db): Promise<{ parts: number; expenses: number }> {
  const { rows } = await db.raw(`
    WITH r AS (
      SELECT ${PART_KEY}, sum(part_count) AS n, sum(amount_cents) AS a FROM grant_part_rollup
       GROUP BY ${PART_KEY} HAVING sum(part_count) <> 0 OR sum(amount_cents) <> 0
    ), d AS (${PARTS_FROM_DETAIL}
    ), er AS (
      SELECT ${EXPENSE_KEY}, sum(expense_count) AS n, sum(amount_cents) AS a FROM expense_rollup
       GROUP BY ${EXPENSE_KEY} HAVING sum(expense_count) <> 0 OR sum(amount_cents) <> 0
    ), ed AS (${EXPENSES_FROM_DETAIL})
    SELECT (SELECT count(*) FROM ((TABLE r EXCEPT TABLE d) UNION ALL (TABLE d EXCEPT TABLE r)) x)::int AS parts,
           (SELECT count(*) FROM ((TABLE er EXCEPT TABLE ed) UNION ALL (TABLE ed EXCEPT TABLE er)) y)::int AS expenses`);
  return rows[0];
}
