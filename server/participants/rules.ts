import type { ErrorDetail } from '../shared/errors.js';
import { communeByCode } from '../shared/communes.js';
import { normalisePhone, PHONE_MESSAGE } from '../shared/phone.js';
import type { ParticipantRow } from './presenter.js';
import type { Channel, ParticipantCreateBody, ParticipantPatchBody } from './schemas.js';

/** A participant's own fields as the rules see them (camelCase, cleaned, null when empty). */
export interface ParticipantState {
  civility: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  postalCode: string | null;
  communeInsee: string | null;
  communeName: string | null;
  preferredChannel: Channel | null;
  partnerId: string | null;
  isMinor: boolean;
  guardianName: string | null;
  guardianEmail: string | null;
  guardianPhone: string | null;
  guardianConsentOn: string | null;
  needs: string[];
  needsNote: string | null;
  profileAgeBand: string | null;
  profileActivity: string | null;
  profileHousehold: string | null;
  profileCommuneInsee: string | null;
}

export const COLUMN_OF: Record<keyof ParticipantState, string> = {
  civility: 'civility',
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  phone: 'phone',
  addressLine1: 'address_line1',
  addressLine2: 'address_line2',
  postalCode: 'postal_code',
  communeInsee: 'commune_insee',
  communeName: 'commune_name',
  preferredChannel: 'preferred_channel',
  partnerId: 'partner_id',
  isMinor: 'is_minor',
  guardianName: 'guardian_name',
  guardianEmail: 'guardian_email',
  guardianPhone: 'guardian_phone',
  guardianConsentOn: 'guardian_consent_on',
  needs: 'needs',
  needsNote: 'needs_note',
  profileAgeBand: 'profile_age_band',
  profileActivity: 'profile_activity',
  profileHousehold: 'profile_household',
  profileCommuneInsee: 'profile_commune_insee',
};

export const PROFILE_FIELDS = ['profileAgeBand', 'profileActivity', 'profileHousehold', 'profileCommuneInsee'] as const;
export const NEEDS_FIELDS = ['needs', 'needsNote'] as const;

export const EMPTY_STATE: ParticipantState = {
  civility: null,
  firstName: null,
  lastName: null,
  email: null,
  phone: null,
  addressLine1: null,
  addressLine2: null,
  postalCode: null,
  communeInsee: null,
  communeName: null,
  preferredChannel: null,
  partnerId: null,
  isMinor: false,
  guardianName: null,
  guardianEmail: null,
  guardianPhone: null,
  guardianConsentOn: null,
  needs: [],
  needsNote: null,
  profileAgeBand: null,
  profileActivity: null,
  profileHousehold: null,
  profileCommuneInsee: null,
};

export function stateFromRow(r: ParticipantRow): ParticipantState {
  const state = { ...EMPTY_STATE };
  for (const [field, column] of Object.entries(COLUMN_OF))
    (state as unknown as Record<string, unknown>)[field] = (r as unknown as Record<string, unknown>)[column];
  state.needs = r.needs ?? [];
  return state;
}

const SPACES = /\s+/g;

/** Applies the given fields of an input to a state: strings trimmed (names on one line), empty → null. */
export function applyInput(
  base: ParticipantState,
  input: ParticipantCreateBody | ParticipantPatchBody,
): ParticipantState {
  const next: Record<string, unknown> = { ...base };
  for (const [field, value] of Object.entries(input)) {
    if (!(field in COLUMN_OF) || value === undefined || field === 'communeName') continue;
    if (typeof value === 'string') {
      const trimmed = field === 'needsNote' ? value.trim() : value.trim().replace(SPACES, ' ');
      next[field] = trimmed === '' ? null : trimmed;
    } else next[field] = value;
  }
  return next as unknown as ParticipantState;
}

const CHANNEL_NEEDS: Record<Channel, { ok: (s: ParticipantState) => boolean; message: string }> = {
  email: { ok: (s) => !!s.email, message: 'le canal « e-mail » demande une adresse e-mail' },
  phone: { ok: (s) => !!s.phone, message: 'le canal « téléphone » demande un numéro de téléphone' },
  letter: {
    ok: (s) => hasPostalAddress(s),
    message: 'le canal « courrier » demande une adresse postale complète (adresse, code postal, commune)',
  },
  partner: { ok: (s) => !!s.partnerId, message: 'le canal « par la structure relais » demande une structure relais' },
};

function hasPostalAddress(s: ParticipantState): boolean {
  return !!(s.addressLine1 && s.postalCode && s.communeInsee);
}

/** The channel to use when none was chosen: the first way to reach the person that works. */
export function defaultChannel(s: ParticipantState): Channel | null {
  return (['email', 'phone', 'letter', 'partner'] as const).find((c) => CHANNEL_NEEDS[c].ok(s)) ?? null;
}

export const CONTACT_MESSAGE =
  'indiquez au moins un moyen de joindre la personne : adresse e-mail, téléphone, adresse postale complète, ou une structure relais qui la contacte';

/**
 * Normalises a participant's fields (phone numbers, commune name from the INSEE code) and
 * checks the rules every record obeys: known INSEE codes, 5-digit postal codes, French phone
 * numbers, at least one way to reach the person, a preferred channel that works, a guardian
 * for a minor. Returns the normalised state and one French message per wrong field.
 */
export function checkParticipant(
  input: ParticipantState,
  options: { today: string; chooseChannel: boolean },
): { state: ParticipantState; details: ErrorDetail[] } {
  const s = { ...input, needs: [...input.needs] };
  const details: ErrorDetail[] = [];
  const fail = (field: string, message: string) => details.push({ field, message });
  if (!s.firstName) fail('firstName', 'champ obligatoire');
  if (!s.lastName) fail('lastName', 'champ obligatoire');
  for (const field of ['phone', 'guardianPhone'] as const) {
    if (s[field] === null) continue;
    const phone = normalisePhone(s[field]!);
    if (phone) s[field] = phone;
    else fail(field, PHONE_MESSAGE);
  }
  if (s.postalCode !== null && !/^\d{5}$/.test(s.postalCode)) fail('postalCode', 'doit comporter 5 chiffres');
  s.communeName = null;
  if (s.communeInsee !== null) {
    const commune = communeByCode(s.communeInsee);
    if (commune) {
      s.communeInsee = commune.code;
      s.communeName = commune.name;
    } else fail('communeInsee', 'code INSEE inconnu');
  }
  if (s.profileCommuneInsee !== null) {
    const commune = communeByCode(s.profileCommuneInsee);
    if (commune) s.profileCommuneInsee = commune.code;
    else fail('profileCommuneInsee', 'code INSEE inconnu');
  }
  if (s.guardianConsentOn !== null && s.guardianConsentOn > options.today)
    fail('guardianConsentOn', 'ne peut pas être dans le futur');
  if (s.isMinor && !s.guardianName) fail('guardianName', 'obligatoire pour une personne mineure (représentant légal)');
  const wrong = new Set(details.map((d) => d.field));
  // Reachability is judged on fields that are themselves valid.
  if (!wrong.has('phone') && !wrong.has('postalCode') && !wrong.has('communeInsee')) {
    const reachable = defaultChannel(s);
    if (options.chooseChannel || !s.preferredChannel) s.preferredChannel = reachable;
    if (!reachable) fail('contact', CONTACT_MESSAGE);
    else if (!CHANNEL_NEEDS[s.preferredChannel!].ok(s))
      fail('preferredChannel', CHANNEL_NEEDS[s.preferredChannel!].message);
  }
  return { state: s, details };
}

/** Column values for an insert or update of the given fields. */
export function toColumns(
  s: ParticipantState,
  fields: (keyof ParticipantState)[] = Object.keys(COLUMN_OF) as (keyof ParticipantState)[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[COLUMN_OF[f]] = s[f];
  return out;
}

/** Fields whose value differs between two states. */
export function changedFields(before: ParticipantState, after: ParticipantState): (keyof ParticipantState)[] {
  return (Object.keys(COLUMN_OF) as (keyof ParticipantState)[]).filter(
    (f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]),
  );
}
