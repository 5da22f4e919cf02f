import { roles, withScopedAuditors, type Role } from '../shared/authorize.js';

/** Who reads projects, sessions and venues: the people who run or check them. */
export const PROJECT_READERS = roles('staff', 'project_lead', 'auditor', 'admin');
/** A project's dashboard: its readers, and auditors limited to grants for the projects those grants fund. */
export const PROJECT_DASHBOARD_READERS = withScopedAuditors(PROJECT_READERS);
/** Project leads create projects and decide their settings; admins may fix them. */
export const PROJECT_WRITER_ROLES: readonly Role[] = ['project_lead', 'admin'];
export const PROJECT_WRITERS = roles(...PROJECT_WRITER_ROLES);
/** Who may have a dashboard's whole-project figures computed now (a heavy read; auditors read, they do not drive the service). */
export const FIGURES_REFRESHER_ROLES: readonly Role[] = ['staff', 'project_lead', 'admin'];
export const FIGURES_REFRESHERS = roles(...FIGURES_REFRESHER_ROLES);
