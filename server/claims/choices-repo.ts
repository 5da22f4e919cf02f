import type { Db } from '../shared/db.js';
import { searchSource, wordPatterns } from '../shared/search.js';

/**
 * Active people by name (every word, accents and case ignored, on the stored folded name and
 * its trigram index) or reference, for the entry form's search field: the first 20 by name
 * (sorted from the matches, or walked to when they are many: `searchSource`).
 */
export async function searchParticipants(db: Db, q: string) {
  const matches = () =>
    db('participants as p')
      .where('p.status', 'active')
      .whereNull('p.merged_into_id')
      .where((w) =>
        w.where('p.reference', q.trim().toUpperCase()).orWhere((name) => {
          for (const pattern of wordPatterns(q)) name.where('p.sort_name', 'like', pattern);
        }),
      )
      .select('p.id', 'p.reference', 'p.first_name', 'p.last_name', 'p.sort_name');
  const { source } = await searchSource(db, matches);
  return db
    .from(source.as('m'))
    .orderBy([{ column: 'm.sort_name' }, { column: 'm.id' }])
    .limit(20)
    .select('m.id', 'm.reference', 'm.first_name', 'm.last_name') as unknown as Promise<
    { id: string; reference: string; first_name: string; last_name: string }[]
  >;
}

/** Sessions of the last year and the next months (not cancelled), most recent first; the person's attended ones first when given. */
export function sessionChoices(db: Db, now: Date, participantId?: string) {
  const q = db('sessions as s')
    .join('projects as p', 'p.id', 's.project_id')
    .whereNot('s.status', 'cancelled')
    .where('s.starts_at', '>', new Date(now.getTime() - 365 * 86_400_000))
    .limit(100)
    .select('s.id', 's.title', 's.starts_at', 's.ends_at', 'p.name as project_name');
  if (participantId) {
    q.leftJoin('session_participants as sp', (j) =>
      j.on('sp.session_id', 's.id').andOnVal('sp.participant_id', participantId),
    )
      .select('sp.status as attendance')
      .orderByRaw("(sp.status = 'attended') DESC NULLS LAST, s.starts_at DESC");
  } else q.orderBy('s.starts_at', 'desc');
  return q as unknown as Promise<
    { id: string; title: string; starts_at: Date; ends_at: Date; project_name: string; attendance?: string | null }[]
  >;
}

export function participantName(db: Db, id: string) {
  return db('participants').where({ id }).first('id', 'reference', 'first_name', 'last_name') as Promise<
    { id: string; reference: string; first_name: string | null; last_name: string | null } | undefined
  >;
}

export function projectOptions(db: Db) {
  return db('projects').orderByRaw('lower(name)').select('id', 'name') as unknown as Promise<
    { id: string; name: string }[]
  >;
}

export function userNames(db: Db, ids: string[]) {
  return db('users').whereIn('id', ids).select('id', 'name') as unknown as Promise<{ id: string; name: string }[]>;
}
