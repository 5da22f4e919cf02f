import { roles, withScopedAuditors, type HasRoles, type Role } from '../shared/authorize.js';
import { notFound } from '../shared/errors.js';
import { grantsError } from './errors.js';
import { formatDate } from '../shared/format.js';

/** Finance and admin create and change grants, budget lines and auditor scopes. */
export const GRANT_WRITERS = roles('finance', 'admin');
/** Who reads grants and expenses (an auditor with scope rows only within them). */
export const GRANT_READERS = withScopedAuditors(roles('project_lead', 'finance', 'auditor', 'admin'));
/**
 * Who opens the expense list page: the readers of grants, and staff, who read project
 * dashboards whose every amount links to this list (`/expenses?projectId=…`).
 */
export const EXPENSE_LIST_READERS = withScopedAuditors(roles('staff', 'project_lead', 'finance', 'auditor', 'admin'));
/** Finance enters invoices and marks expenses paid or cancelled. */
export const EXPENSE_WRITERS = roles('finance', 'admin');
/** Only finance may overrule a budget line (409 budget_exceeded_requires_override), with a reason. */
export const BUDGET_OVERRIDE_ROLES: readonly Role[] = ['finance'];

/*
 * Auditors limited to some grants (`auditor_scopes` rows): every rule about what they see is
 * here. Routes open to them are marked `withScopedAuditors` (the gate itself, `rolesOpen` in
 * server/shared/authorize.ts, reads the actor's `auditorScoped` flag); `auditorScope` in
 * ./scopes.ts reads the rows into an `AuditorScope`; grants, expenses, project dashboards and
 * funder documents (server/grant-reports/) then apply the functions below. `null` stands for
 * "nothing limits the reader".
 */

/** An auditor is scoped when auditing is all they do here (no role that reads everything anyway). */
export function isScopedAuditor(actor: Pick<HasRoles, 'roles'> | null): boolean {
  return (
    !!actor &&
    actor.roles.includes('auditor') &&
    !actor.roles.some((r) => r === 'finance' || r === 'admin' || r === 'project_lead')
  );
}

/**
 * What an auditor may see: per grant, a range of days. An expense part on one of these grants
 * is theirs when its expense was incurred (day of service) or paid within that grant's range —
 * the statement of the range, which runs by payment day, lists nothing they could not open.
 */
export interface AuditorScope {
  grantIds: string[];
  ranges: Map<string, { from: string; to: string }>;
}

/** The scope as the expense queries take it (server/grants/repo.ts `PartFilter.ranges`). */
export function scopeRanges(scope: AuditorScope): { grantId: string; from: string; to: string }[] {
  return scope.grantIds.map((grantId) => ({ grantId, ...scope.ranges.get(grantId)! }));
}

/** The range of days the scope limits this grant's figures to (null: nothing limits the reader). */
export function scopeRange(scope: AuditorScope | null, grantId: string): { from: string; to: string } | null {
  return scope ? (scope.ranges.get(grantId) ?? null) : null;
}

/** May the scope see this part of this expense? (Same rule as `scopeRanges` in SQL.) */
export function partInScope(
  scope: AuditorScope | null,
  expense: { incurred_on: string; paid_on: string | null },
  part: { grant_id: string | null },
): boolean {
  if (!scope) return true;
  const range = part.grant_id ? scope.ranges.get(part.grant_id) : undefined;
  if (!range || !scope.grantIds.includes(part.grant_id!)) return false;
  const within = (day: string | null) => day !== null && day >= range.from && day <= range.to;
  return within(expense.incurred_on) || within(expense.paid_on);
}

/** May the scope see this grant? (404 otherwise, as if it did not exist.) */
export function assertGrantInScope(scope: AuditorScope | null, grantId: string): void {
  if (scope && !scope.grantIds.includes(grantId)) throw notFound('Financement');
}

/** Refuses (403) a period that reaches outside the auditor's range for this grant. */
export function assertPeriodInScope(scope: AuditorScope | null, grantId: string, from: string, to: string): void {
  if (!scope) return;
  const range = scope.ranges.get(grantId);
  if (!range || from < range.from || to > range.to) {
    throw range
      ? grantsError('auditor_period_out_of_scope', { from: formatDate(range.from), to: formatDate(range.to) })
      : grantsError('auditor_grant_out_of_scope');
  }
}

/** The period an auditor may see of a grant (the whole grant period otherwise). */
export function visiblePeriod(
  scope: AuditorScope | null,
  grant: { id: string; period_start: string; period_end: string },
): { from: string; to: string } {
  return scopeRange(scope, grant.id) ?? { from: grant.period_start, to: grant.period_end };
}

/** May the reader see a record covering `from`–`to` of this grant (a drawdown)? Whole within the visible period. */
export function periodVisible(
  scope: AuditorScope | null,
  grant: { id: string; period_start: string; period_end: string },
  period: { from: string; to: string },
): boolean {
  if (!scope) return true;
  const visible = visiblePeriod(scope, grant);
  return period.from >= visible.from && period.to <= visible.to;
}
