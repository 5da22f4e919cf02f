import { roles } from '../shared/authorize.js';

/** Who reads projects, sessions and venues: the people who run or check them. */
export const PROJECT_READERS = roles('staff', 'project_lead', 'auditor', 'admin');
/** Project leads create projects and decide their settings; admins may fix them. */
export const PROJECT_WRITERS = roles('project_lead', 'admin');
