// Grants — funding and budgets (docs/domain.md#grant, docs/domain.md#expense).
// Words: subvention → grant; financeur → funder; ligne budgétaire → budget line; engagé → committed;
//   réalisé → actual; taux de cofinancement → co-funding rate; plafond annuel → annual ceiling.
// Shape: grants (active, closed) with annual ceilings, funded projects and shares, budget lines
//   (category × year); expenses committed → actual (or cancelled), split into parts per grant;
//   auditors' scopes (grants and dates).
// Owns: grants, grant_ceilings, grant_projects, budget_lines, expenses, expense_parts, auditor_scopes,
//   grant_part_rollup, expense_rollup (kept by triggers: db/migrations/20261207T2310-expense-rollups.ts).
// Calls: audit, auth, settings; shared/.

// Grants and budgets: the public interface other capabilities (claims, venues, payments,
// grant-reports) may use. Signatures here stay stable.
export { compactExpenseRollups, expenseRollupDrift, rebuildExpenseRollups } from './rollups-repo.js';
export { allocate, splitExpense, type Allocation, type FundingGrant, type PlannedPart } from './allocation.js';
export { placeExpenses, planParts, type Warning, type BudgetControl } from './budget.js';
export {
  recordClaimExpenses,
  claimsPaid,
  claimsUnpaid,
  claimCancelled,
  bookingConfirmed,
  bookingsCancelled,
  backfillBookings,
  backfillClaims,
  type DecidedClaim,
  type HookControl,
} from './commitments.js';
export { resplitProjects } from './manage-grants.js';
export { auditorScope, assertProjectInScope } from './scopes.js';
export {
  budgetLineUsage,
  grantView,
  listExpenses,
  listGrants,
  presentExpense,
  presentGrantSummary,
  applyExpenseScope,
  expenseView,
} from './presenter.js';
export {
  getGrant,
  grantCeilings,
  grantProjects,
  budgetLines,
  expenseParts,
  getExpense,
  fundingGrants,
  grantPartSums,
  sumsByLine,
  type GrantRow,
  type BudgetLineRow,
  type ExpenseRow,
  type PartRow,
  type DayRange,
} from './repo.js';
export { expensesHref, type ExpenseLinkFilters } from './links.js';
export { downloadInvoice } from './invoice-file.js';
export {
  GRANT_READERS,
  GRANT_WRITERS,
  EXPENSE_WRITERS,
  BUDGET_OVERRIDE_ROLES,
  isScopedAuditor,
  assertGrantInScope,
  assertPeriodInScope,
  scopeRange,
  visiblePeriod,
  periodVisible,
  type AuditorScope,
} from './policy.js';
export { EXPENSE_STATUS_LABELS, EXPENSE_SOURCE_LABELS } from './schemas.js';
