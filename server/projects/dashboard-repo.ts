import type { Db } from '../shared/db.js';

export function projectSessions(db: Db, projectId: string) {
  return db('sessions')
    .where({ project_id: projectId })
    .orderBy('starts_at')
    .select('id', 'title', 'starts_at', 'ends_at', 'status') as unknown as Promise<
    { id: string; title: string; starts_at: Date; ends_at: Date; status: string }[]
  >;
}

export function projectAttendance(db: Db, projectId: string) {
  return db('session_participants as sp')
    .join('sessions as s', 's.id', 'sp.session_id')
    .where('s.project_id', projectId)
    .whereNot('s.status', 'cancelled')
    .select('sp.session_id', 'sp.participant_id', 'sp.status') as unknown as Promise<
    { session_id: string; participant_id: string; status: string }[]
  >;
}

/**
 * Profiles of the project's panel (people invited and not declined, or present), only for
 * people with a live consent to the `profile` purpose.
 */
export function consentedProfiles(db: Db, projectId: string) {
  return db('participants as p')
    .whereExists((q) =>
      q
        .select(db.raw('1'))
        .from('session_participants as sp')
        .join('sessions as s', 's.id', 'sp.session_id')
        .whereRaw('sp.participant_id = p.id')
        .where('s.project_id', projectId)
        .whereNot('s.status', 'cancelled')
        .whereNot('sp.status', 'declined'),
    )
    .whereExists((q) =>
      q
        .select(db.raw('1'))
        .from('consents as c')
        .whereRaw('c.participant_id = p.id')
        .where('c.purpose_code', 'profile')
        .whereNull('c.withdrawn_on')
        .whereNull('c.superseded_by'),
    )
    .where('p.status', 'active')
    .select(
      'p.profile_age_band as age_band',
      'p.profile_activity as activity',
      'p.profile_household as household',
    ) as unknown as Promise<Record<'age_band' | 'activity' | 'household', string | null>[]>;
}
