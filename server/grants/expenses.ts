import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { staffUserId, type Acting } from '../shared/acting.js';
import type { Override } from '../shared/override.js';
import { notFound, validationError } from '../shared/errors.js';
import { storeDocument } from '../shared/files.js';
import { recordAudit } from '../audit/index.js';
import type { ExpenseCreateBody } from './schemas.js';
import { expenseInDrawdown, getExpense, insertExpense } from './repo.js';
import {
  projectExists,
  setExpenseCancelled,
  setExpenseInvoiced,
  setExpenseOverride,
  setExpensePaid,
} from './expenses-repo.js';
import { placeExpenses, type Warning } from './budget.js';
import { grantsError } from './errors.js';

type Upload = { buffer: Buffer; originalname?: string } | undefined;

/**
 * Enters an invoice by hand (catering, facilitation, printing…) with its `file`: committed, or
 * actual at once when `paidOn` is given; split across the project's grants, under the budget
 * control (409 `budget_exceeded_requires_override`, finance may overrule with
 * `override.reason`). In the caller's transaction (a savepoint of its own).
 */
export async function createInvoiceExpenseIn(
  trx: Db,
  _deps: Deps,
  acting: Acting,
  input: ExpenseCreateBody & { file: Upload; override?: Override },
): Promise<{ id: string; warnings: Warning[] }> {
  const amountCents = Number(input.amountCents);
  const { file } = input;
  const control = { roles: acting.actor.roles, override: input.override };
  const userId = staffUserId(acting);
  return inTransaction(trx, async (trx) => {
    if (!(await projectExists(trx, input.projectId)))
      throw validationError([{ field: 'projectId', message: 'démarche inconnue' }]);
    if (input.paidOn && input.paidOn < input.incurredOn)
      throw validationError([{ field: 'paidOn', message: 'ne peut précéder la date de la dépense' }]);
    const stored = await storeDocument(trx, file, {
      field: 'file',
      purpose: 'invoice',
      createdBy: userId,
      required: true,
    });
    const id = await insertExpense(trx, {
      project_id: input.projectId,
      category: input.category,
      source: 'invoice',
      description: input.description?.trim() ?? '',
      supplier: input.supplier?.trim() ?? '',
      invoice_number: input.invoiceNumber?.trim() ?? '',
      invoice_file_id: stored!.id,
      amount_cents: amountCents,
      incurred_on: input.incurredOn,
      status: input.paidOn ? 'actual' : 'committed',
      paid_on: input.paidOn ?? null,
      created_by: userId,
      created_at: acting.now,
      committed_at: acting.now,
      updated_at: acting.now,
    });
    const placed = await placeExpenses(
      trx,
      [{ id, projectId: input.projectId, category: input.category, incurredOn: input.incurredOn, amountCents }],
      { check: true, ...control },
    );
    if (placed.overridden) await setExpenseOverride(trx, id, control.override!.reason.trim());
    await recordAudit(trx, acting, {
      action: 'expense.created',
      recordType: 'expense',
      recordId: id,
      reasonCode: placed.overridden ? 'budget_override' : null,
      data: {
        source: 'invoice',
        category: input.category,
        fileSha256: stored!.sha256,
        status: input.paidOn ? 'actual' : 'committed',
      },
    });
    return { id, warnings: placed.warnings };
  });
}

/** `createInvoiceExpenseIn` in a transaction of its own. */
export const createInvoiceExpense = (
  deps: Deps,
  acting: Acting,
  input: ExpenseCreateBody & { file: Upload; override?: Override },
) => inTransaction(deps.db, (trx) => createInvoiceExpenseIn(trx, deps, acting, input));

/**
 * The invoice (`file`) of a venue booking arrives: stored, the expense becomes actual on
 * `paidOn`, with a corrected amount if the invoice differs (re-split under the budget control,
 * `override.reason` to overrule it). In the caller's transaction (a savepoint of its own).
 */
export async function enterBookingInvoiceIn(
  trx: Db,
  _deps: Deps,
  acting: Acting,
  input: { expenseId: string; paidOn: string; amountCents?: string; file: Upload; override?: Override },
): Promise<{ warnings: Warning[] }> {
  const { expenseId, file } = input;
  const control = { roles: acting.actor.roles, override: input.override };
  const userId = staffUserId(acting);
  return inTransaction(trx, async (trx) => {
    const e = await getExpense(trx, expenseId, true);
    if (!e) throw notFound('Dépense');
    if (e.source === 'claim_line') throw grantsError('expense_follows_claim');
    if (e.status === 'cancelled') throw grantsError('expense_cancelled');
    if (input.paidOn < e.incurred_on)
      throw validationError([{ field: 'paidOn', message: 'ne peut précéder la date de la dépense' }]);
    const stored = await storeDocument(trx, file, {
      field: 'file',
      purpose: 'invoice',
      createdBy: userId,
      required: true,
    });
    const amountCents = input.amountCents !== undefined ? Number(input.amountCents) : e.amount_cents;
    let warnings: Warning[] = [];
    let overridden = false;
    if (amountCents !== e.amount_cents) {
      if (await expenseInDrawdown(trx, e.id)) throw grantsError('expense_in_drawdown');
      ({ warnings, overridden } = await placeExpenses(
        trx,
        [{ id: e.id, projectId: e.project_id, category: e.category, incurredOn: e.incurred_on, amountCents }],
        { check: true, ...control },
      ));
    }
    await setExpenseInvoiced(trx, e.id, {
      invoiceFileId: stored!.id,
      amountCents,
      paidOn: input.paidOn,
      now: acting.now,
      ...(overridden ? { overrideReason: control.override!.reason.trim() } : {}),
    });
    await recordAudit(trx, acting, {
      action: 'expense.invoiced',
      recordType: 'expense',
      recordId: e.id,
      reasonCode: overridden ? 'budget_override' : null,
      data: { fileSha256: stored!.sha256, amountChanged: amountCents !== e.amount_cents },
    });
    return { warnings };
  });
}

/** Marks an invoice or booking expense paid on a day, `paidOn` (actual); the same day again answers the same. */
export async function markExpensePaid(
  deps: Deps,
  acting: Acting,
  input: { expenseId: string; paidOn: string },
): Promise<void> {
  const { expenseId, paidOn } = input;
  await inTransaction(deps.db, async (trx) => {
    const e = await getExpense(trx, expenseId, true);
    if (!e) throw notFound('Dépense');
    if (e.source === 'claim_line') throw grantsError('expense_follows_claim');
    if (e.status === 'cancelled') throw grantsError('expense_cancelled');
    if (e.status === 'actual' && e.paid_on === paidOn) return;
    if (e.status === 'actual') throw grantsError('expense_already_paid', { paidOn: String(e.paid_on) });
    if (paidOn < e.incurred_on)
      throw validationError([{ field: 'paidOn', message: 'ne peut précéder la date de la dépense' }]);
    await setExpensePaid(trx, e.id, paidOn, acting.now);
    await recordAudit(trx, acting, { action: 'expense.paid', recordType: 'expense', recordId: e.id });
  });
}

/** Cancels an invoice or booking expense not yet claimed in a drawdown (idempotent). */
export async function cancelExpense(deps: Deps, acting: Acting, expenseId: string): Promise<void> {
  await inTransaction(deps.db, async (trx) => {
    const e = await getExpense(trx, expenseId, true);
    if (!e) throw notFound('Dépense');
    if (e.status === 'cancelled') return;
    if (e.source === 'claim_line') throw grantsError('claim_expense_not_cancellable');
    if (await expenseInDrawdown(trx, e.id)) throw grantsError('drawn_expense_not_cancellable');
    await setExpenseCancelled(trx, e.id, acting.now);
    await recordAudit(trx, acting, { action: 'expense.cancelled', recordType: 'expense', recordId: e.id });
  });
}
