// Users — staff accounts and roles (docs/domain.md#users-and-roles).
// Words: agent → user; rôle → role (admin, staff, project_lead, finance, dpo, auditor).
// Shape: users with roles and an active flag; deactivating one closes their sessions.
// Owns: users.
// Calls: audit, auth; shared/.
export { createUser } from './manage-users.js';
