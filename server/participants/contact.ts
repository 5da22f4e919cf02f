import type { Db } from '../shared/db.js';

/**
 * The person got in touch or took part (attendance, a reply to an invitation, a claim sent, a
 * consent given): it restarts the active retention period (docs/domain.md#last-contact). One rule for every
 * capability: the last contact only moves forward.
 */
export async function touchLastContact(db: Db, participantIds: string[], now: Date): Promise<void> {
  if (participantIds.length === 0) return;
  await db('participants').whereIn('id', participantIds).update({ last_contact_at: db.raw('GREATEST(last_contact_at, ?::timestamptz)', [now]) });
}

/** What withdrawing a consent erases on the person's record (the purpose's data). */
export async function eraseProfile(db: Db, participantId: string, now: Date): Promise<void> {
  await db('participants').where({ id: participantId })
    .update({ profile_age_band: null, profile_activity: null, profile_household: null, profile_commune_insee: null, updated_at: now });
}

export async function eraseNeeds(db: Db, participantId: string, now: Date): Promise<void> {
  await db('participants').where({ id: participantId }).update({ needs: db.raw("'{}'::text[]"), needs_note: null, updated_at: now });
}

export async function setPreferredChannel(db: Db, participantId: string, channel: string, now: Date): Promise<void> {
  await db('participants').where({ id: participantId }).update({ preferred_channel: channel, updated_at: now });
}
