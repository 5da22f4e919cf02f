import { hasAnyRole, roles, type HasRoles, type Role } from '../shared/authorize.js';

export const VENUE_READERS = roles('staff', 'project_lead', 'auditor', 'admin');
/** Staff book venues day to day; project leads may too. */
export const VENUE_WRITER_ROLES: readonly Role[] = ['staff', 'project_lead'];
export const VENUE_WRITERS = roles(...VENUE_WRITER_ROLES);

/** Whether the actor may create and change venues and bookings (the pages show the buttons then). */
export function mayWriteVenues(actor: Pick<HasRoles, 'roles'> | null): boolean {
  return hasAnyRole(actor, VENUE_WRITER_ROLES);
}
