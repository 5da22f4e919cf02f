import type { HasRoles } from '../shared/authorize.js';
import { readableGroups, type FieldGroup } from './policy.js';

export interface ParticipantRow {
  id: string;
  reference: string;
  status: 'active' | 'archived' | 'anonymised';
  civility: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  address_line1: string | null;
  address_line2: string | null;
  postal_code: string | null;
  commune_insee: string | null;
  commune_name: string | null;
  preferred_channel: 'email' | 'phone' | 'letter' | 'partner';
  partner_id: string | null;
  partner_name?: string | null;
  is_minor: boolean;
  guardian_name: string | null;
  guardian_email: string | null;
  guardian_phone: string | null;
  guardian_consent_on: string | null;
  needs: string[];
  needs_note: string | null;
  profile_age_band: string | null;
  profile_activity: string | null;
  profile_household: string | null;
  profile_commune_insee: string | null;
  merged_into_id: string | null;
  last_contact_at: Date;
  created_at: Date;
  updated_at: Date;
}

/** Field group → the fields it shows (camelCase) and how to read them from the row. */
const GROUP_FIELDS: Record<FieldGroup, (r: ParticipantRow) => Record<string, unknown>> = {
  identity: (r) => ({
    civility: r.civility,
    firstName: r.first_name,
    lastName: r.last_name,
    isMinor: r.is_minor,
    guardianName: r.guardian_name,
  }),
  postal: (r) => ({ addressLine1: r.address_line1, addressLine2: r.address_line2, postalCode: r.postal_code }),
  contact: (r) => ({
    email: r.email,
    phone: r.phone,
    preferredChannel: r.preferred_channel,
    guardianEmail: r.guardian_email,
    guardianPhone: r.guardian_phone,
    guardianConsentOn: r.guardian_consent_on,
    lastContactAt: r.last_contact_at.toISOString(),
  }),
  needs: (r) => ({ needs: r.needs ?? [], needsNote: r.needs_note }),
  profile: (r) => ({
    profileAgeBand: r.profile_age_band,
    profileActivity: r.profile_activity,
    profileHousehold: r.profile_household,
    profileCommuneInsee: r.profile_commune_insee,
  }),
};

/**
 * The fields of a participant this actor may see (a whitelist per role, policy.ts). A merged
 * record shows where it went; an anonymised one only its reference and status.
 */
export function presentParticipant(
  r: ParticipantRow,
  actor: Pick<HasRoles, 'roles'> | null,
  groups: Set<FieldGroup> = readableGroups(actor),
) {
  if (r.merged_into_id) return { id: r.id, reference: r.reference, status: r.status, mergedIntoId: r.merged_into_id };
  if (r.status === 'anonymised') return { id: r.id, reference: r.reference, status: r.status };
  const view: Record<string, unknown> = {
    id: r.id,
    reference: r.reference,
    status: r.status,
    partnerId: r.partner_id,
    partnerName: r.partner_name ?? null,
    communeInsee: r.commune_insee,
    communeName: r.commune_name,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
  for (const g of groups) Object.assign(view, GROUP_FIELDS[g](r));
  return view as unknown as ParticipantView;
}

/** The shape pages and API clients read; absent fields are those the reader may not see. */
export interface ParticipantView {
  id: string;
  reference: string;
  status: string;
  mergedIntoId?: string | null;
  partnerId?: string | null;
  partnerName?: string | null;
  communeInsee?: string | null;
  communeName?: string | null;
  civility?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  isMinor?: boolean;
  guardianName?: string | null;
  addressLine1?: string | null;
  addressLine2?: string | null;
  postalCode?: string | null;
  email?: string | null;
  phone?: string | null;
  preferredChannel?: string;
  guardianEmail?: string | null;
  guardianPhone?: string | null;
  guardianConsentOn?: string | null;
  lastContactAt?: string;
  needs?: string[];
  needsNote?: string | null;
  profileAgeBand?: string | null;
  profileActivity?: string | null;
  profileHousehold?: string | null;
  profileCommuneInsee?: string | null;
  createdAt?: string;
  updatedAt?: string;
}
