import { roles } from '../shared/authorize.js';

/** Administration reads and changes the organisation's settings. */
export const SETTINGS_ADMINS = roles('admin');
