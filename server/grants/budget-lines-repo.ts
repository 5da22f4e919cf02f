import type { Db } from '../shared/db.js';

/** The queries of the budget line use cases (`budget-lines.ts`, and the period check of `manage-grants.ts`). */

/** Has grant `grantId` a line for this category and year? */
export async function budgetLineExists(trx: Db, grantId: string, category: string, year: number): Promise<boolean> {
  return !!(await trx('budget_lines').where({ grant_id: grantId, category, year }).first('id'));
}

/** Inserts a budget line; its id. */
export async function insertBudgetLine(
  trx: Db,
  line: { grantId: string; category: string; year: number; amountCents: number },
): Promise<{ id: string }> {
  const [row] = await trx('budget_lines')
    .insert({ grant_id: line.grantId, category: line.category, year: line.year, amount_cents: line.amountCents })
    .returning(['id']);
  return row;
}

/** Sets a line's amount. */
export async function setBudgetLineAmount(trx: Db, id: string, amountCents: number, now: Date): Promise<void> {
  await trx('budget_lines').where({ id }).update({ amount_cents: amountCents, updated_at: now });
}

/** Does an expense part use this line? */
export async function budgetLineInUse(trx: Db, id: string): Promise<boolean> {
  return !!(await trx('expense_parts').where({ budget_line_id: id }).first('id'));
}

/** Deletes a line. */
export async function deleteBudgetLineRow(trx: Db, id: string): Promise<void> {
  await trx('budget_lines').where({ id }).delete();
}

/** Has grant `grantId` a line for a year before `fromYear` or after `toYear`? */
export async function hasBudgetLineOutside(
  trx: Db,
  grantId: string,
  fromYear: number,
  toYear: number,
): Promise<boolean> {
  return !!(await trx('budget_lines')
    .where({ grant_id: grantId })
    .where((w) => w.where('year', '<', fromYear).orWhere('year', '>', toYear))
    .first('id'));
}
