import type { Db } from '../shared/db.js';

/** Active people by name or reference, for the entry form's search field. */
export function searchParticipants(db: Db, q: string) {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db('participants as p')
    .where('p.status', 'active')
    .whereNull('p.merged_into_id')
    .where((w) =>
      w.whereILike('p.last_name', like).orWhereILike('p.first_name', like).orWhere('p.reference', q.toUpperCase()),
    )
    .orderByRaw('lower(p.last_name), lower(p.first_name)')
    .limit(20)
    .select('p.id', 'p.reference', 'p.first_name', 'p.last_name') as unknown as Promise<
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
