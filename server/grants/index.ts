// Grants and budgets: the public interface other capabilities (claims, venues, payments,
// grant-reports) may use. Signatures here stay stable.
export { grantRoutes } from './routes.js';
export { grantPages } from './pages.js';
export { allocate, splitExpense, type Allocation, type FundingGrant, type PlannedPart } from './allocation.js';
export { placeExpenses, planParts, type Warning, type BudgetControl } from './budget.js';
export { claimDecided, claimsPaid, claimsUnpaid, claimCancelled, bookingConfirmed, bookingsCancelled, backfillBookings, backfillClaims, type HookControl } from './hooks.js';
export { resplitProjects } from './manage-grants.js';
export { auditorScope, assertProjectInScope } from './scopes.js';
export { budgetLineUsage, grantView, listExpenses, listGrants, presentExpense, presentGrantSummary, applyExpenseScope, expenseView } from './presenter.js';
export { getGrant, grantCeilings, grantProjects, budgetLines, expenseParts, getExpense, fundingGrants, grantPartSums, sumsByLine, type GrantRow, type BudgetLineRow, type ExpenseRow, type PartRow, type DayRange } from './repo.js';
export { expensesHref, type ExpenseLinkFilters } from './links.js';
export { downloadInvoice } from './invoice-file.js';
export {
  GRANT_READERS, GRANT_WRITERS, EXPENSE_WRITERS, BUDGET_OVERRIDE_ROLES, isScopedAuditor,
  assertGrantInScope, assertPeriodInScope, scopeRange, visiblePeriod, periodVisible, type AuditorScope,
} from './policy.js';
export { EXPENSE_STATUS_LABELS, EXPENSE_SOURCE_LABELS } from './schemas.js';
