import { roles } from '../shared/authorize.js';

/** Who opens the administration index (the links it shows are each opened by their own roles). */
export const ADMIN_INDEX_READERS = roles('admin', 'dpo', 'auditor');
