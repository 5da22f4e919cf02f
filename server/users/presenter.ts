import type { Static } from '@sinclair/typebox';
import type { UserRow } from '../auth/index.js';
import type { UserView } from './schemas.js';

/** The fields of a staff account an API response may show (never the password hash). */
export function presentUser(
  u: Pick<
    UserRow,
    'id' | 'email' | 'name' | 'roles' | 'active' | 'must_change_password' | 'last_login_at' | 'created_at'
  >,
): Static<typeof UserView> {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    roles: u.roles,
    active: u.active,
    mustChangePassword: u.must_change_password,
    lastLoginAt: u.last_login_at ? u.last_login_at.toISOString() : null,
    createdAt: u.created_at.toISOString(),
  };
}
