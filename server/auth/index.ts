// Auth — signing in and who is acting (docs/domain.md#users-and-roles).
// Words: connexion → sign-in; session web → web session; jeton d’API → API token.
// Shape: web sessions (hash of the id only), API tokens (a subset of their creator's roles),
//   failed sign-in counts per account and per address under keyed hashes.
// Owns: web_sessions, api_tokens, login_attempts.
// Calls: audit; shared/.
export { hashPassword, generatePassword, PASSWORD_MIN_LENGTH } from './passwords.js';
export {
  deleteSessionsOfUser,
  deleteExpiredSessions,
  findUserByEmail,
  replacePassword,
  insertAccount,
  updateAccount,
  type UserRow,
} from './repo.js';
export { assertStrongPassword, passwordWeakness } from './password-strength.js';
export { flash } from './sessions.js';
export { Role, RoleList, Password } from './schemas.js';
