import { hasAnyRole, roles, type HasRoles, type Role } from '../shared/authorize.js';

const RECORDER_ROLES: Role[] = ['staff', 'dpo'];
const EVIDENCE_ROLES: Role[] = ['staff', 'dpo'];

/** Consent history (codes and dates, no contact data): every role that works with participants. */
export const CONSENT_READERS = roles('staff', 'project_lead', 'finance', 'dpo', 'auditor');
/** Recording and withdrawing consents, printing a prefilled form. */
export const CONSENT_RECORDERS = roles(...RECORDER_ROLES);
/** The signed forms and scans hold identity and signatures. */
export const EVIDENCE_READERS = roles(...EVIDENCE_ROLES);
/** The catalogue of purposes is a setting of the organisation and of its DPO. */
export const PURPOSE_EDITORS = roles('admin', 'dpo');

export const canRecordConsents = (actor: Pick<HasRoles, 'roles'> | null) => hasAnyRole(actor, RECORDER_ROLES);
export const canReadEvidence = (actor: Pick<HasRoles, 'roles'> | null) => hasAnyRole(actor, EVIDENCE_ROLES);
