import { roles, withScopedAuditors, type Actor, type Role } from '../shared/authorize.js';

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

/** An auditor is scoped when auditing is all they do here (no role that reads everything anyway). */
export function isScopedAuditor(actor: Pick<Actor, 'roles'> | null): boolean {
  return !!actor && actor.roles.includes('auditor') && !actor.roles.some((r) => r === 'finance' || r === 'admin' || r === 'project_lead');
}
