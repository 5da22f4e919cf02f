export { hashPassword, generatePassword, PASSWORD_MIN_LENGTH } from './passwords.js';
export { deleteSessionsOfUser, deleteExpiredSessions, findUserByEmail, replacePassword, type UserRow } from './repo.js';
export { assertStrongPassword, passwordWeakness } from './password-strength.js';
export { flash } from './sessions.js';
export { Role, RoleList, Password } from './schemas.js';
