import type { Db } from '../shared/db.js';

/**
 * What another capability reads of a person to write to them or to act for them: who they are,
 * how to reach them, what they need to take part, and whether the record is live. One type and
 * one reader for every capability (sessions, claims, payments), instead of each its own columns.
 */
export interface ParticipantContact {
  id: string;
  reference: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  preferred_channel: string;
  needs: string[];
  status: string;
  merged_into_id: string | null;
}

const CONTACT_COLUMNS = [
  'id',
  'reference',
  'first_name',
  'last_name',
  'email',
  'preferred_channel',
  'needs',
  'status',
  'merged_into_id',
];

export function participantContact(db: Db, id: string): Promise<ParticipantContact | undefined> {
  return db('participants').where({ id }).first(CONTACT_COLUMNS) as Promise<ParticipantContact | undefined>;
}

/** The active, unmerged people among `ids` (archived or anonymised people are not invited, paid or written to). */
export function activeParticipantContacts(db: Db, ids: string[]): Promise<ParticipantContact[]> {
  return db('participants')
    .whereIn('id', ids)
    .where('status', 'active')
    .whereNull('merged_into_id')
    .select(CONTACT_COLUMNS) as unknown as Promise<ParticipantContact[]>;
}

/** E-mail for people with an address who chose e-mail; a printed letter for everybody else (one rule for every message). */
export function channelFor(p: Pick<ParticipantContact, 'email' | 'preferred_channel'>): 'email' | 'letter' {
  return p.email && p.preferred_channel === 'email' ? 'email' : 'letter';
}

export const fullName = (p: Pick<ParticipantContact, 'first_name' | 'last_name'>): string =>
  [p.first_name, p.last_name].filter(Boolean).join(' ');

/**
 * The person got in touch or took part (attendance, a reply to an invitation, a claim sent, a
 * consent given): it restarts the active retention period (docs/domain.md#last-contact). One rule for every
 * capability: the last contact only moves forward.
 */
export async function touchLastContact(db: Db, participantIds: string[], now: Date): Promise<void> {
  if (participantIds.length === 0) return;
  await db('participants')
    .whereIn('id', participantIds)
    .update({ last_contact_at: db.raw('GREATEST(last_contact_at, ?::timestamptz)', [now]) });
}

/** What withdrawing a consent erases on the person's record (the purpose's data). */
export async function eraseProfile(db: Db, participantId: string, now: Date): Promise<void> {
  await db('participants').where({ id: participantId }).update({
    profile_age_band: null,
    profile_activity: null,
    profile_household: null,
    profile_commune_insee: null,
    updated_at: now,
  });
}

export async function eraseNeeds(db: Db, participantId: string, now: Date): Promise<void> {
  await db('participants')
    .where({ id: participantId })
    .update({ needs: db.raw("'{}'::text[]"), needs_note: null, updated_at: now });
}

export async function setPreferredChannel(db: Db, participantId: string, channel: string, now: Date): Promise<void> {
  await db('participants').where({ id: participantId }).update({ preferred_channel: channel, updated_at: now });
}
