import { roles, withScopedAuditors } from '../shared/authorize.js';

/** Who watches budgets: project leads, finance, auditors (within their scope) and admins. */
export const DASHBOARD_READERS = withScopedAuditors(roles('project_lead', 'finance', 'auditor', 'admin'));
/** Funder documents (statement, financial report, drawdown documents, evidence bundle). */
export const REPORT_EXPORTERS = withScopedAuditors(roles('finance', 'auditor', 'admin'));
/** Who asks the funder for money and explains the gaps. */
export const DRAWDOWN_WRITERS = roles('finance', 'admin');
