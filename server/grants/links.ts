/**
 * Where the expenses behind a figure (grant page, dashboards, financial report) are listed: the
 * expense list (`/expenses`), which takes every filter a figure needs — grant, project, budget line,
 * category, statuses, days of service, payment days — and shows the sum of what they select
 * (filtered by grant or budget line, only the parts on it): the figure itself.
 */
const EXPENSES_LIST = '/expenses';

export interface ExpenseLinkFilters {
  grantId?: string;
  projectId?: string;
  budgetLineId?: string;
  category?: string;
  /** `actual`, or `committed,actual` for what is committed. */
  status?: string;
  /** Days of service range (`YYYY-MM-DD`): what a scoped auditor's committed figures count. */
  from?: string;
  to?: string;
  /** Payment day range for actual spend (`YYYY-MM-DD`). */
  paidFrom?: string;
  paidTo?: string;
}

export function expensesHref(filters: ExpenseLinkFilters): string {
  const q = new URLSearchParams();
  for (const k of [
    'grantId',
    'projectId',
    'budgetLineId',
    'category',
    'status',
    'from',
    'to',
    'paidFrom',
    'paidTo',
  ] as const)
    if (filters[k]) q.set(k, filters[k]!);
  return `${EXPENSES_LIST}?${q.toString()}`;
}
