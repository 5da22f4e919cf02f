import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { notFound, validationError } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { getBudgetLine, getGrant, grantProjects } from './repo.js';
import { incrementGrantVersion, updateGrantRow } from './grants-repo.js';
import {
  budgetLineExists,
  budgetLineInUse,
  deleteBudgetLineRow,
  insertBudgetLine,
  setBudgetLineAmount,
} from './budget-lines-repo.js';
import { resplitProjects } from './manage-grants.js';
import type { Warning } from './budget.js';
import { grantsError } from './errors.js';

const pgCode = (e: unknown) => (e as { code?: string }).code;

/**
 * Adds a budget line (category × year) to a grant: the year inside the grant's period (else
 * 400 `year`), the category among the eligible ones (else 400 `category`), one line per
 * category and year (else 409 `budget_line_exists`). Expenses that had nowhere to go for that
 * category and year are re-split onto it. In the caller's transaction (the line is inserted in
 * a savepoint of its own, so that a duplicate answers 409 and leaves the caller's work alone).
 */
export async function addBudgetLineIn(
  trx: Db,
  _deps: Deps,
  acting: Acting,
  input: { grantId: string; category: string; year: number; amountCents: number },
): Promise<{ id: string; warnings: Warning[] }> {
  const { grantId } = input;
  return inTransaction(trx, async (trx) => {
    const g = await getGrant(trx, grantId, true);
    if (!g) throw notFound('Financement');
    const details = [];
    if (input.year < Number(g.period_start.slice(0, 4)) || input.year > Number(g.period_end.slice(0, 4)))
      details.push({
        field: 'year',
        message: `doit être dans la période du financement (${g.period_start.slice(0, 4)}–${g.period_end.slice(0, 4)})`,
      });
    if (!g.eligible_categories.includes(input.category))
      details.push({ field: 'category', message: 'cette catégorie n’est pas éligible à ce financement' });
    if (details.length) throw validationError(details);
    if (await budgetLineExists(trx, grantId, input.category, input.year)) {
      throw grantsError('budget_line_exists', [{ field: 'category', message: 'ligne existante' }]);
    }
    const row = await insertBudgetLine(trx, input);
    await updateGrantRow(trx, grantId, { version: g.version + 1, updated_at: acting.now });
    await recordAudit(trx, acting, {
      action: 'budget_line.created',
      recordType: 'grant',
      recordId: grantId,
      data: { budgetLineId: row.id, category: input.category, year: input.year },
    });
    const warnings = await resplitProjects(
      trx,
      acting,
      (await grantProjects(trx, grantId)).map((p) => p.project_id),
    );
    return { id: row.id as string, warnings };
  }).catch((e) => {
    if (pgCode(e) === '23505')
      throw grantsError('budget_line_exists', [{ field: 'category', message: 'ligne existante' }]);
    throw e;
  });
}

/** `addBudgetLineIn` in a transaction of its own. */
export const addBudgetLine = (
  deps: Deps,
  acting: Acting,
  input: { grantId: string; category: string; year: number; amountCents: number },
) => inTransaction(deps.db, (trx) => addBudgetLineIn(trx, deps, acting, input));

/** Changes line `lineId`'s amount (a line may end below what it carries: the grant page shows it overspent). */
export async function updateBudgetLine(
  deps: Deps,
  acting: Acting,
  input: { grantId: string; lineId: string; amountCents: number },
): Promise<void> {
  const { grantId, lineId, amountCents } = input;
  await inTransaction(deps.db, async (trx) => {
    const line = await getBudgetLine(trx, lineId, true);
    if (!line || line.grant_id !== grantId) throw notFound('Ligne budgétaire');
    await setBudgetLineAmount(trx, lineId, amountCents, acting.now);
    await incrementGrantVersion(trx, grantId);
    await recordAudit(trx, acting, {
      action: 'budget_line.updated',
      recordType: 'grant',
      recordId: grantId,
      data: { budgetLineId: lineId },
    });
  });
}

/** Deletes a line no expense part uses (else 409 `budget_line_in_use`). */
export async function deleteBudgetLine(
  deps: Deps,
  acting: Acting,
  input: { grantId: string; lineId: string },
): Promise<void> {
  const { grantId, lineId } = input;
  await inTransaction(deps.db, async (trx) => {
    const line = await getBudgetLine(trx, lineId, true);
    if (!line || line.grant_id !== grantId) throw notFound('Ligne budgétaire');
    if (await budgetLineInUse(trx, lineId)) throw grantsError('budget_line_in_use');
    await deleteBudgetLineRow(trx, lineId);
    await incrementGrantVersion(trx, grantId);
    await recordAudit(trx, acting, {
      action: 'budget_line.deleted',
      recordType: 'grant',
      recordId: grantId,
      data: { budgetLineId: lineId, category: line.category, year: line.year },
    });
  });
}
