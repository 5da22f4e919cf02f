import { roles, type Role } from '../shared/authorize.js';

/** Who may read partners (every role that works with participants) and who may change them. */
export const PARTNER_WRITER_ROLES: readonly Role[] = ['staff', 'admin'];
export const PARTNER_READERS = roles('staff', 'admin', 'project_lead', 'finance', 'dpo', 'auditor');
export const PARTNER_WRITERS = roles(...PARTNER_WRITER_ROLES);
