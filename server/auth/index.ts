export { authRoutes } from './routes.js';
export { authPages } from './pages.js';
export { hashPassword, generatePassword, PASSWORD_MIN_LENGTH } from './passwords.js';
export { deleteSessionsOfUser, deleteExpiredSessions, findUserByEmail, replacePassword, insertAccount, updateAccount, type UserRow } from './repo.js';
export { assertStrongPassword, passwordWeakness } from './password-strength.js';
export { flash } from './sessions.js';
export { Role, RoleList, Password } from './schemas.js';
