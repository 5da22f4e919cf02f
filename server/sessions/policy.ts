import { roles, type Role } from '../shared/authorize.js';

export const SESSION_READERS = roles('staff', 'project_lead', 'auditor', 'admin');
/** Staff and project leads create sessions, invite, and record attendance. */
export const SESSION_WRITER_ROLES: readonly Role[] = ['staff', 'project_lead'];
export const SESSION_WRITERS = roles(...SESSION_WRITER_ROLES);
/**
 * Who may invite beyond the solicitation limit (with a reason, audited): the same people who
 * invite. The limit protects participants from over-solicitation; the reason makes each
 * exception visible to the project lead and the DPO rather than requiring a second person.
 */
export const OVERRIDE_SOLICITATION_ROLES: readonly Role[] = ['staff', 'project_lead'];
