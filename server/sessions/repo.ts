import type { Db } from '../shared/db.js';
import type { Knex } from 'knex';
import { paginate } from '../shared/pagination.js';
import { searchSource, wordPatterns } from '../shared/search.js';
import type { ParticipantContact } from '../participants/index.js';
import type { SessionListQuery } from './schemas.js';

export interface SessionRow extends Record<string, unknown> {
  id: string;
  project_id: string;
  project_name: string;
  project_solicitation_limit: number | null;
  project_participation_level: string;
  title: string;
  kind: 'workshop' | 'committee' | 'interview' | 'focus_group' | 'other';
  starts_at: Date;
  ends_at: Date;
  status: 'scheduled' | 'held' | 'cancelled';
  capacity: number;
  meal_provided: boolean;
  childcare_on_site: boolean;
  cancelled_at: Date | null;
}

const COLUMNS = [
  's.id',
  's.project_id',
  'p.name as project_name',
  'p.solicitation_limit as project_solicitation_limit',
  'p.participation_level as project_participation_level',
  's.title',
  's.kind',
  's.starts_at',
  's.ends_at',
  's.status',
  's.capacity',
  's.meal_provided',
  's.childcare_on_site',
  's.cancelled_at',
];

function base(db: Db) {
  return db('sessions as s').join('projects as p', 'p.id', 's.project_id').select(COLUMNS);
}

export function listSessions(db: Db, f: SessionListQuery, now: Date) {
  const q = base(db);
  if (f.projectId) q.where('s.project_id', f.projectId);
  if (f.status) q.where('s.status', f.status);
  if (f.when === 'upcoming') q.where('s.ends_at', '>=', now);
  if (f.when === 'past') q.where('s.ends_at', '<', now);
  return paginate<SessionRow>(
    q,
    f,
    { columns: { startsAt: 's.starts_at', title: 's.title' }, default: f.when === 'past' ? '-startsAt' : 'startsAt' },
    's.id',
  );
}

export async function getSession(db: Db, id: string, forUpdate = false): Promise<SessionRow | undefined> {
  const q = base(db).where('s.id', id).first();
  return (await (forUpdate ? q.forUpdate('s') : q)) as SessionRow | undefined;
}

export async function projectExists(db: Db, id: string): Promise<{ id: string; status: string } | undefined> {
  return db('projects').where({ id }).first('id', 'status');
}

/** Number of participants per status, for each session. */
export async function countsBySession(db: Db, ids: string[]): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>(ids.map((id) => [id, {}]));
  if (!ids.length) return out;
  const rows = await db('session_participants')
    .whereIn('session_id', ids)
    .select('session_id', 'status')
    .count({ n: '*' })
    .groupBy('session_id', 'status');
  for (const r of rows as { session_id: string; status: string; n: number }[])
    out.get(r.session_id)![r.status] = Number(r.n);
  return out;
}

/** A person of a session: who they are (participants' contact), and where they stand in the session (`status`: invited, confirmed, attended…). */
export interface SessionParticipantRow extends Pick<
  ParticipantContact,
  'reference' | 'first_name' | 'last_name' | 'email' | 'preferred_channel' | 'needs'
> {
  participant_id: string;
  status: string;
  walk_in: boolean;
  invited_at: Date | null;
  replied_at: Date | null;
}

/** The people of a session (invited or walk-in), sorted by last name. */
export function sessionParticipants(db: Db, sessionId: string): Promise<SessionParticipantRow[]> {
  return db('session_participants as sp')
    .join('participants as p', 'p.id', 'sp.participant_id')
    .where('sp.session_id', sessionId)
    .orderByRaw('lower(p.last_name), lower(p.first_name), p.id')
    .select(
      'sp.participant_id',
      'p.reference',
      'p.first_name',
      'p.last_name',
      'p.email',
      'p.preferred_channel',
      'p.needs',
      'sp.status',
      'sp.walk_in',
      'sp.invited_at',
      'sp.replied_at',
    ) as unknown as Promise<SessionParticipantRow[]>;
}

/**
 * How many sessions each participant was invited to (or attended as a walk-in) that start in
 * the 90 days up to `start`, excluding `sessionId` and cancelled sessions.
 */
export async function solicitationsBefore(
  db: Db,
  participantIds: string[],
  start: Date,
  sessionId: string,
): Promise<Map<string, number>> {
  const rows = await db('session_participants as sp')
    .join('sessions as s', 's.id', 'sp.session_id')
    .whereIn('sp.participant_id', participantIds)
    .whereNot('s.id', sessionId)
    .whereNot('s.status', 'cancelled')
    .where('s.starts_at', '>', new Date(start.getTime() - 90 * 86_400_000))
    .where('s.starts_at', '<=', start)
    .select('sp.participant_id')
    .count({ n: '*' })
    .groupBy('sp.participant_id');
  return new Map((rows as { participant_id: string; n: number }[]).map((r) => [r.participant_id, Number(r.n)]));
}

/** True when the participant attended the session: it opens the right to claim for it. */
export async function hasAttended(db: Db, sessionId: string, participantId: string): Promise<boolean> {
  return !!(await db('session_participants')
    .where({ session_id: sessionId, participant_id: participantId, status: 'attended' })
    .first('status'));
}

/**
 * Candidates for invitation: active participants filtered by partner, commune and needs, and by
 * name (every word, accents and case ignored, on the stored folded name) or reference; the
 * first 200 by name (a search's matches sorted, or walked to when they are many: `searchSource`).
 */
export async function invitationCandidates(
  db: Db,
  f: { partnerId?: string; commune?: string; need?: string; q?: string },
  sessionId: string,
) {
  const matches = () => {
    const q = db('participants as p')
      .leftJoin('partners as pa', 'pa.id', 'p.partner_id')
      .leftJoin('session_participants as sp', (j) =>
        j.on('sp.participant_id', 'p.id').andOnVal('sp.session_id', sessionId),
      )
      .where('p.status', 'active')
      .select(
        'p.id',
        'p.reference',
        'p.first_name',
        'p.last_name',
        'p.commune_name',
        'p.needs',
        'p.email',
        'p.preferred_channel',
        'pa.name as partner_name',
        'sp.status as session_status',
      );
    if (f.partnerId) q.where('p.partner_id', f.partnerId);
    if (f.commune)
      q.where((w) =>
        w
          .where('p.commune_insee', f.commune)
          .orWhereILike('p.commune_name', `%${f.commune!.replace(/[\\%_]/g, (c) => `\\${c}`)}%`),
      );
    if (f.need) q.whereRaw('? = ANY(p.needs)', [f.need]);
    if (f.q) q.where((w) => nameOrReference(w, f.q!));
    return q;
  };
  // Without a search, the name index gives the first 200 at once.
  if (!f.q) return matches().orderByRaw('lower(p.last_name), lower(p.first_name)').limit(200);
  const { source } = await searchSource(db, matches);
  return db.from(source.as('c')).orderByRaw('lower(c.last_name), lower(c.first_name)').limit(200).select('c.*');
}

/** A person's reference, or every word typed in their folded name (its trigram index). */
function nameOrReference(w: Knex.QueryBuilder, q: string) {
  w.where('p.reference', q.trim().toUpperCase()).orWhere((name) => {
    for (const pattern of wordPatterns(q)) name.where('p.sort_name', 'like', pattern);
  });
}

export function partnerOptions(db: Db): Promise<{ id: string; name: string }[]> {
  return db('partners').where('active', true).orderByRaw('lower(name)').select('id', 'name');
}

export function activeProjects(db: Db): Promise<{ id: string; name: string }[]> {
  return db('projects').where('status', 'active').orderByRaw('lower(name)').select('id', 'name');
}

/** Active people not yet in the session, by name or reference (walk-in search): the first 20 by name. */
export async function walkInCandidates(db: Db, sessionId: string, q: string) {
  const matches = () =>
    db('participants as p')
      .where('p.status', 'active')
      .whereNotExists((w) =>
        w
          .select(db.raw('1'))
          .from('session_participants as sp')
          .whereRaw('sp.participant_id = p.id')
          .where('sp.session_id', sessionId),
      )
      .where((w) => nameOrReference(w, q))
      .select('p.id', 'p.reference', 'p.first_name', 'p.last_name', 'p.commune_name');
  const { source } = await searchSource(db, matches);
  return db
    .from(source.as('c'))
    .orderByRaw('lower(c.last_name), lower(c.first_name)')
    .limit(20)
    .select('c.*') as unknown as Promise<
    { id: string; reference: string; first_name: string; last_name: string; commune_name: string | null }[]
  >;
}

export async function insertSession(db: Db, values: Record<string, unknown>): Promise<{ id: string }> {
  const [row] = await db('sessions').insert(values).returning('id');
  return row;
}

export async function updateSessionRow(db: Db, id: string, changes: Record<string, unknown>): Promise<void> {
  await db('sessions').where({ id }).update(changes);
}

export async function setSessionCancelled(db: Db, id: string, now: Date): Promise<void> {
  await db('sessions').where({ id }).update({ status: 'cancelled', cancelled_at: now, updated_at: now });
}

export async function setSessionHeld(db: Db, id: string, now: Date): Promise<void> {
  await db('sessions').where({ id }).update({ status: 'held', updated_at: now });
}

/** Which of these people already have a row in the session (invited, replied or marked). */
export async function alreadyOnList(db: Db, sessionId: string, participantIds: string[]): Promise<string[]> {
  return (
    await db('session_participants')
      .where({ session_id: sessionId })
      .whereIn('participant_id', participantIds)
      .select('participant_id')
  ).map((r) => r.participant_id as string);
}

/** How many people of the session have not declined. */
export async function notDeclinedCount(db: Db, sessionId: string): Promise<string | number | undefined> {
  const [{ n }] = await db('session_participants')
    .where({ session_id: sessionId })
    .whereNot('status', 'declined')
    .count({ n: '*' });
  return n;
}

/** The person's row status in the session, if they are on its list. */
export function listStatus(db: Db, sessionId: string, participantId: string): Promise<{ status: string } | undefined> {
  return db('session_participants').where({ session_id: sessionId, participant_id: participantId }).first('status');
}
