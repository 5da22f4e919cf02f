import { roles, hasAnyRole, type HasRoles, type Role } from '../shared/authorize.js';

/** Who reads or writes, as the rules below see them: the roles in force (an `Actor`, or `Acting.actor`). */
type Reader = Pick<HasRoles, 'roles'> | null;
import { AppError } from '../shared/errors.js';
import { participantsError } from './errors.js';

/**
 * Who may read what of a participant (issue 3, item 10). Fields come in groups; a reader sees
 * the union of the groups of their roles:
 * - staff, admin, project_lead (organise sessions), dpo: everything;
 * - finance: identity and postal address (what payments and certificates need);
 * - auditor: reference, status, commune and partner only (no contact, needs or profile).
 */
export type FieldGroup = 'identity' | 'postal' | 'contact' | 'needs' | 'profile';
const ALL: FieldGroup[] = ['identity', 'postal', 'contact', 'needs', 'profile'];
const GROUPS_BY_ROLE: Record<Role, FieldGroup[]> = {
  admin: ALL,
  staff: ALL,
  project_lead: ALL,
  dpo: ALL,
  finance: ['identity', 'postal'],
  auditor: [],
};

export const PARTICIPANT_READER_ROLES: readonly Role[] = [
  'staff',
  'admin',
  'project_lead',
  'finance',
  'dpo',
  'auditor',
];
export const PARTICIPANT_WRITER_ROLES: readonly Role[] = ['staff', 'admin'];
/** Archived records keep only what accounting needs; finance and the DPO read them, each read audited. */
export const ARCHIVE_READER_ROLES: readonly Role[] = ['finance', 'dpo'];

export const PARTICIPANT_READERS = roles(...PARTICIPANT_READER_ROLES);
export const PARTICIPANT_WRITERS = roles(...PARTICIPANT_WRITER_ROLES);

export function readableGroups(actor: Reader): Set<FieldGroup> {
  return new Set((actor?.roles ?? []).flatMap((r) => GROUPS_BY_ROLE[r] ?? []));
}

export function canWrite(actor: Reader): boolean {
  return hasAnyRole(actor, PARTICIPANT_WRITER_ROLES);
}

export function canReadArchived(actor: Reader): boolean {
  return hasAnyRole(actor, ARCHIVE_READER_ROLES);
}

export function archivedRestricted(): AppError {
  return participantsError('archived_restricted');
}

/** Throws 403 `archived_restricted` when the actor may not read archived records. */
export function assertMayReadArchived(actor: Reader): void {
  if (!canReadArchived(actor)) throw archivedRestricted();
}
