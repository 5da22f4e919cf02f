import type { Role } from '../../server/shared/authorize.js';
import { makeActing, staffActing, systemActing, withSettingsRead, type Acting } from '../../server/shared/acting.js';
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

/** An `Acting` that carries only ids, for tests that write audit events directly (`recordAudit` reads nothing else). */
export function auditIds(
  ids: { userId?: string | null; tokenId?: string | null; requestId?: string | null } = {},
): Acting {
  return makeActing({
    actor: {
      kind: ids.tokenId ? 'token' : ids.userId ? 'user' : 'system',
      userId: ids.userId ?? null,
      tokenId: ids.tokenId ?? null,
      participantId: null,
      roles: [],
      auditorScoped: false,
    },
    requestId: ids.requestId ?? null,
    now: new Date(),
    settings: () => Promise.reject(new Error('an audit-only Acting has no settings')),
  });
}
