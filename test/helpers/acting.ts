import type { Role } from '../../server/shared/authorize.js';
import { staffActing, systemActing, withSettingsRead, type Acting } from '../../server/shared/acting.js';
import { settingsLoader } from '../../server/settings/index.js';
import { ctx } from './context.js';

/** A staff member acting outside a request, as the HTTP layer would build it (settings read now, from the test database). */
export function actingAs(userId: string, roles: readonly Role[]): Promise<Acting> {
  const { deps } = ctx();
  return withSettingsRead(staffActing({ userId, roles, now: deps.now(), settings: settingsLoader(deps.db) }));
}

/** The platform acting (a job, the outbox worker), settings read now, from the test database. */
export function actingAsSystem(): Promise<Acting> {
  const { deps } = ctx();
  return withSettingsRead(systemActing({ now: deps.now(), settings: settingsLoader(deps.db) }));
}
