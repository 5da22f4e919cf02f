import { roles, type Role } from '../shared/authorize.js';

/** Who reads projects, sessions and venues: the people who run or check them. */
export const PROJECT_READERS = roles('staff', 'project_lead', 'auditor', 'admin');
/** Project leads create projects and decide their settings; admins may fix them. */
export const PROJECT_WRITER_ROLES: readonly Role[] = ['project_lead', 'admin'];
export const PROJECT_WRITERS = roles(...PROJECT_WRITER_ROLES);
