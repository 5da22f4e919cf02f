import { hasAnyRole, roles, type HasRoles } from '../shared/authorize.js';
import type { ActingActor } from '../shared/acting.js';

/** Who reads the rate versions (`/api/policies`, `/admin/policies`): everyone who enters, decides or checks claims. */
export const RATE_READERS = roles('staff', 'project_lead', 'finance', 'admin', 'auditor');
/** Who may try to add a version; the use case then checks the scope (organisation or project). */
export const RATE_WRITERS = roles('finance', 'admin', 'project_lead');

/** The organisation's rates: finance and administration. */
export function mayWriteOrganisationRates(actor: Pick<HasRoles, 'roles'> | null): boolean {
  return hasAnyRole(actor, ['finance', 'admin']);
}

/** A project's override: finance, or the lead of that project. */
export function mayWriteProjectRates(
  actor: Pick<ActingActor, 'roles' | 'userId'> | null,
  leadUserId: string | null,
): boolean {
  if (hasAnyRole(actor, ['finance'])) return true;
  return !!actor && hasAnyRole(actor, ['project_lead']) && leadUserId !== null && actor.userId === leadUserId;
}
