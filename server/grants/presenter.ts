import type { Static } from '@sinclair/typebox';
import type { Db } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import type { Knex } from 'knex';
import type { ExpenseFilters, ExpenseListQuery, GrantSummary, ExpenseView } from './schemas.js';
import { expensesHref } from './links.js';
import {
  budgetLines,
  withCountedParts,
  expenseListPage,
  expenseListTotals,
  expenseParts,
  getExpense,
  getGrant,
  grantCeilings,
  grantPartSums,
  grantProjects,
  sumsByLine,
  type DayRange,
  type ExpenseRow,
  type GrantRow,
  type PartRow,
} from './repo.js';
import { grantListPage } from './grants-repo.js';
import { expenseIdQuery } from './expenses-repo.js';
import { partInScope, scopeRanges, type AuditorScope } from './policy.js';
import type { Warning } from './budget.js';

export function presentGrantSummary(g: GrantRow): Static<typeof GrantSummary> {
  return {
    id: g.id,
    reference: g.reference,
    funder: g.funder,
    programme: g.programme,
    axis: g.axis,
    agreementNumber: g.agreement_number,
    periodStart: g.period_start,
    periodEnd: g.period_end,
    totalCents: Number(g.total_cents),
    cofundingRateBp: g.cofunding_rate_bp,
    eligibleCategories: g.eligible_categories,
    status: g.status,
    version: g.version,
    createdAt: new Date(g.created_at).toISOString(),
  };
}

/** The expense list (`/expenses`) filtered to the parts behind a figure: its total is the figure. */

/**
 * Where the committed and actual figures of a grant or budget line lead. Unscoped: committed
 * = parts of expenses committed and not yet paid, actual = parts of paid ones. Within a
 * scoped auditor's range (the grant dashboard's rule): committed = parts of expenses
 * incurred within it, paid or not; actual = parts paid within it.
 */
export function figureLinks(on: { grantId: string } | { budgetLineId: string }, range: DayRange | null) {
  return range
    ? {
        committed: expensesHref({ ...on, status: 'committed,actual', from: range.from, to: range.to }),
        actual: expensesHref({ ...on, status: 'actual', paidFrom: range.from, paidTo: range.to }),
      }
    : { committed: expensesHref({ ...on, status: 'committed' }), actual: expensesHref({ ...on, status: 'actual' }) };
}

/**
 * Budget lines of a grant with what is committed, actual and remaining on each (cancelled
 * expenses do not count), each figure with the link to the parts behind it. For a scoped
 * auditor (`range`), committed and actual are those of their range by the rule of the grant
 * dashboard (`grantPartSums`: committed = incurred within it, paid or not; actual = paid
 * within it) and remaining, which would mix in other dates, is null.
 */
export async function budgetLineUsage(db: Db, grantId: string, range: DayRange | null = null) {
  const lines = await budgetLines(db, grantId);
  const within = range ? sumsByLine(await grantPartSums(db, grantId, range)) : null;
  return lines.map((l) => {
    const committed = within ? (within.get(l.id)?.committed ?? 0) : l.committed_cents;
    const actual = within ? (within.get(l.id)?.actual ?? 0) : l.actual_cents;
    return {
      id: l.id,
      category: l.category,
      year: l.year,
      amountCents: l.amount_cents,
      committedCents: committed,
      actualCents: actual,
      remainingCents: within ? null : l.amount_cents - committed - actual,
      links: figureLinks({ budgetLineId: l.id }, range),
      inUse: l.in_use,
    };
  });
}

/** A grant with its ceilings, projects and budget lines (for a scoped auditor, the lines' figures of their range: `budgetLineUsage`). */
export async function grantView(db: Db, id: string, warnings?: Warning[], range: DayRange | null = null) {
  const g = await getGrant(db, id);
  if (!g) throw notFound('Financement');
  return {
    ...presentGrantSummary(g),
    auditorRange: range ? { from: range.from, to: range.to } : null,
    ceilings: (await grantCeilings(db, id)).map((c) => ({ year: c.year, ceilingCents: Number(c.ceiling_cents) })),
    projects: (await grantProjects(db, id)).map((p) => ({
      projectId: p.project_id,
      name: p.name,
      shareBp: p.share_bp,
    })),
    budgetLines: (await budgetLineUsage(db, id, range)).map(({ inUse: _u, ...l }) => l),
    ...(warnings ? { warnings } : {}),
  };
}

/** Grants, searchable by funder, reference or agreement number; an auditor with scopes sees only theirs. */
export async function listGrants(
  db: Db,
  params: { limit?: string; cursor?: string; sort?: string; q?: string },
  scope: AuditorScope | null,
) {
  const page = await grantListPage(db, params, scope);
  return { items: page.items.map(presentGrantSummary), nextCursor: page.nextCursor };
}

/** An expense with its parts (for a scoped auditor, only the parts of their grants and range). */
export function presentExpense(
  e: ExpenseRow,
  parts: PartRow[],
  warnings?: Warning[],
  scope: AuditorScope | null = null,
): Static<typeof ExpenseView> {
  return {
    id: e.id,
    reference: e.reference,
    projectId: e.project_id,
    category: e.category,
    source: e.source,
    claimId: e.claim_id,
    claimLineId: e.claim_line_id,
    bookingId: e.booking_id,
    sessionId: e.session_id,
    description: e.description,
    supplier: e.supplier,
    invoiceNumber: e.invoice_number,
    hasInvoice: !!e.invoice_file_id,
    amountCents: Number(e.amount_cents),
    incurredOn: e.incurred_on,
    status: e.status,
    paidOn: e.paid_on,
    overridden: !!e.override_reason,
    createdAt: new Date(e.created_at).toISOString(),
    parts: parts
      .filter((p) => p.expense_id === e.id && partInScope(scope, e, p))
      .map((p) => ({
        id: p.id,
        grantId: p.grant_id,
        grantReference: p.grant_reference,
        budgetLineId: p.budget_line_id,
        category: p.category,
        year: p.year,
        amountCents: p.amount_cents,
        inDrawdown: !!p.in_drawdown,
      })),
    ...(warnings ? { warnings } : {}),
  };
}

/** Restricts an expense query (alias `e`) to an auditor's scope: a part on a scoped grant, incurred or paid within that grant's range. */
export function applyExpenseScope(db: Db, q: Knex.QueryBuilder, scope: AuditorScope | null) {
  return scope ? withCountedParts(db, q, { ranges: scopeRanges(scope) }) : q;
}

export async function expenseView(db: Db, id: string, scope: AuditorScope | null, warnings?: Warning[]) {
  const e = await getExpense(db, id);
  if (!e) throw notFound('Dépense');
  if (scope && !(await applyExpenseScope(db, expenseIdQuery(db, id), scope))) throw notFound('Dépense');
  return presentExpense(e, await expenseParts(db, [id]), warnings, scope);
}

/** The list's filters as parsed from the query (statuses split on commas). */
export function expenseFilters(q: ExpenseListQuery): ExpenseFilters {
  const { status, limit: _l, cursor: _c, sort: _s, ...rest } = q;
  return { ...rest, ...(status ? { statuses: [...new Set(status.split(','))] } : {}) };
}

/**
 * Expenses with filters (project, grant, budget line, category, statuses, source, days of
 * service from/to, payment days paidFrom/paidTo), newest first by default, with their count
 * and the sum of what they count (`listedCents`): filtered by grant or budget line, only the
 * parts on it — the figure a dashboard link stands for; a scoped auditor counts and sees
 * only the parts of their grants and range.
 */
export async function listExpenses(db: Db, q: ExpenseListQuery, scope: AuditorScope | null) {
  const f = expenseFilters(q);
  const parts = { grantId: f.grantId, budgetLineId: f.budgetLineId, ...(scope ? { ranges: scopeRanges(scope) } : {}) };
  const page = await expenseListPage(db, f, parts, q);
  const totals = await expenseListTotals(db, f, parts);
  const rows = await expenseParts(
    db,
    page.items.map((e) => e.id),
  );
  return {
    items: page.items.map((e) => ({ ...presentExpense(e, rows, undefined, scope), listedCents: e.listed_cents })),
    nextCursor: page.nextCursor,
    count: totals.count,
    totalCents: totals.totalCents,
  };
}
