import { roles, withScopedAuditors, type Role } from '../shared/authorize.js';
import type { Db } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import { assertGrantInScope, type AuditorScope } from '../grants/index.js';
import { getGrant, type GrantRow } from './repo.js';

/** Who watches budgets: project leads, finance, auditors (within their scope) and admins. */
export const DASHBOARD_READERS = withScopedAuditors(roles('project_lead', 'finance', 'auditor', 'admin'));
/** Who may have a grant dashboard's attendance counted now (a heavy read; auditors read, they do not drive the service). */
export const FIGURES_REFRESHER_ROLES: readonly Role[] = ['project_lead', 'finance', 'admin'];
export const FIGURES_REFRESHERS = roles(...FIGURES_REFRESHER_ROLES);
/** Funder documents (statement, financial report, drawdown documents, evidence bundle). */
export const REPORT_EXPORTERS = withScopedAuditors(roles('finance', 'auditor', 'admin'));
/** Who asks the funder for money and explains the gaps. */
export const DRAWDOWN_WRITERS = roles('finance', 'admin');

/** The grant, when it exists and the reader's scope covers it (404 otherwise, as server/grants answers; the rule is grants' `assertGrantInScope`). */
export async function grantInScope(db: Db, scope: AuditorScope | null, grantId: string): Promise<GrantRow> {
  assertGrantInScope(scope, grantId);
  const grant = await getGrant(db, grantId);
  if (!grant) throw notFound('Subvention');
  return grant;
}
