import { roles, type Role } from '../shared/authorize.js';

export const CLAIM_READERS = roles('staff', 'project_lead', 'finance', 'auditor');
/** Staff enter claims from paper, attach receipts, submit and cancel; leads and finance may too. */
export const CLAIM_WRITER_ROLES: readonly Role[] = ['staff', 'project_lead', 'finance'];
export const CLAIM_WRITERS = roles(...CLAIM_WRITER_ROLES);
/** Project leads (their projects) and finance decide; whoever entered a claim never decides it. */
export const CLAIM_DECIDERS = roles('project_lead', 'finance');
/** Who may enter a claim for a session without recorded attendance (with a reason, audited). */
export const OVERRIDE_ATTENDANCE_ROLES: readonly Role[] = ['staff', 'project_lead', 'finance'];
/** Who may grant a line whose receipt is missing (with a reason, audited): the deciders. */
export const OVERRIDE_RECEIPT_ROLES: readonly Role[] = ['project_lead', 'finance'];
