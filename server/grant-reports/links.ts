/**
 * Where the expenses behind a dashboard figure are listed: a page of this capability
 * (`/grant-reports/expenses`) that takes every filter a figure needs — grant, project,
 * budget line, category, statuses, payment days — and shows the rows with their sum (the
 * figure), each linked to its expense page (server/grants).
 */
export const EXPENSES_BEHIND = '/grant-reports/expenses';

export interface ExpenseFilters {
  grantId?: string;
  projectId?: string;
  budgetLineId?: string;
  category?: string;
  /** `actual`, or `committed,actual` for what is committed. */
  status?: string;
  /** Payment day range for actual spend (`YYYY-MM-DD`). */
  paidFrom?: string;
  paidTo?: string;
}

export function expensesHref(filters: ExpenseFilters): string {
  const q = new URLSearchParams();
  for (const k of ['grantId', 'projectId', 'budgetLineId', 'category', 'status', 'paidFrom', 'paidTo'] as const) if (filters[k]) q.set(k, filters[k]!);
  return `${EXPENSES_BEHIND}?${q.toString()}`;
}
