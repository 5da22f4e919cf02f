import { roles } from '../shared/authorize.js';

/** Who runs retention and reads the register; who records and who closes requests. */
export const RETENTION_RUNNERS = roles('dpo', 'admin');
export const REQUEST_RECORDERS = roles('dpo', 'staff');
export const DPO_ONLY = roles('dpo');
