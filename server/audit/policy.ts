import { roles } from '../shared/authorize.js';

/** Who reads the audit trail, its chain report and signed checkpoints: administration, the DPO and auditors. */
export const AUDIT_READERS = roles('admin', 'dpo', 'auditor');
