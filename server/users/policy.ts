import { roles } from '../shared/authorize.js';

/** Administration creates staff accounts, changes their roles, resets passwords and deactivates them. */
export const USER_ADMINS = roles('admin');
