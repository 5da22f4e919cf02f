import { hasAnyRole, roles, type Actor } from '../shared/authorize.js';

/** Who reads the policies: everyone who enters, decides or checks claims. */
export const POLICY_READERS = roles('staff', 'project_lead', 'finance', 'admin', 'auditor');
/** Who may try to add a version; the use case then checks the scope (organisation or project). */
export const POLICY_WRITERS = roles('finance', 'admin', 'project_lead');

/** The organisation's policy: finance and administration. */
export function canWriteOrganisationPolicy(actor: Actor | null): boolean {
  return hasAnyRole(actor, ['finance', 'admin']);
}

/** A project's override: finance, or the lead of that project. */
export function canWriteProjectPolicy(actor: Actor | null, leadUserId: string | null): boolean {
  if (hasAnyRole(actor, ['finance'])) return true;
  return !!actor && hasAnyRole(actor, ['project_lead']) && leadUserId !== null && actor.userId === leadUserId;
}
