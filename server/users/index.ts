export { createUser } from './manage-users.js';
