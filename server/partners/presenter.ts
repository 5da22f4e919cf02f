import type { HasRoles } from '../shared/authorize.js';
import { hasAnyRole } from '../shared/authorize.js';
import type { PartnerRow } from './repo.js';

/** Roles that see the partner's contact person and notes (the auditor sees the organisation only). */
const CONTACT_READERS = ['admin', 'staff', 'project_lead', 'finance', 'dpo'] as const;

/** The fields of a partner a response may show, for this actor. */
export function presentPartner(p: PartnerRow, actor: Pick<HasRoles, 'roles'> | null) {
  const contact = hasAnyRole(actor, CONTACT_READERS);
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    ...(contact ? { contactName: p.contact_name, email: p.email, phone: p.phone, notes: p.notes } : {}),
    addressLine1: p.address_line1,
    postalCode: p.postal_code,
    communeInsee: p.commune_insee,
    communeName: p.commune_name,
    active: p.active,
    participantCount: Number(p.participant_count ?? 0),
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
}
export type PartnerView = ReturnType<typeof presentPartner>;
