import type { Deps } from '../shared/deps.js';
import type { Role } from '../shared/authorize.js';
import { staffActing, systemActing, withSettingsRead, type Acting } from '../shared/acting.js';
import { settingsLoader } from '../settings/index.js';

/** A demo staff member acting (audited with request id `demo`), settings read before any transaction. */
export function demoStaff(deps: Deps, userId: string, roles: readonly Role[] = []): Promise<Acting> {
  return withSettingsRead(
    staffActing({ userId, roles, now: deps.now(), settings: settingsLoader(deps.db), requestId: 'demo' }),
  );
}

/** The demo data loading itself, with no user behind it. */
export function demoSystem(deps: Deps): Promise<Acting> {
  return withSettingsRead(systemActing({ now: deps.now(), settings: settingsLoader(deps.db), runId: 'demo' }));
}
