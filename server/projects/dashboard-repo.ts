import type { Db } from '../shared/db.js';

export interface SessionStatRow {
  id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  status: string;
  expected: number;
  attended: number;
}

/**
 * The project's last `limit` sessions by start (oldest first), each with its expected (invited,
 * not declined) and attended counts (0 for a cancelled session): one page, whatever the
 * number of sessions (index sessions_project_start, then each session's own attendance).
 */
export async function recentSessionStats(db: Db, projectId: string, limit: number): Promise<SessionStatRow[]> {
  const { rows } = await db.raw(
    `
    SELECT s.id, s.title, s.starts_at, s.ends_at, s.status,
           CASE WHEN s.status = 'cancelled' THEN 0 ELSE
             (SELECT count(*) FROM session_participants sp WHERE sp.session_id = s.id AND sp.status <> 'declined') END::int AS expected,
           CASE WHEN s.status = 'cancelled' THEN 0 ELSE
             (SELECT count(*) FROM session_participants sp WHERE sp.session_id = s.id AND sp.status = 'attended') END::int AS attended
      FROM (SELECT * FROM sessions WHERE project_id = ? ORDER BY starts_at DESC, id DESC LIMIT ?) s
     ORDER BY s.starts_at, s.id`,
    [projectId, limit],
  );
  return rows;
}

export async function sessionCount(db: Db, projectId: string): Promise<number> {
  const [{ n }] = await db('sessions').where({ project_id: projectId }).count({ n: '*' });
  return Number(n);
}

/** The project's first session (by start, not cancelled) that someone attended. */
export async function firstAttendedSession(
  db: Db,
  projectId: string,
): Promise<{ id: string; title: string; starts_at: Date; attended: number } | undefined> {
  const { rows } = await db.raw(
    `
    SELECT s.id, s.title, s.starts_at,
           (SELECT count(*) FROM session_participants sp WHERE sp.session_id = s.id AND sp.status = 'attended')::int AS attended
      FROM sessions s
     WHERE s.project_id = ? AND s.status <> 'cancelled'
       AND EXISTS (SELECT 1 FROM session_participants sp WHERE sp.session_id = s.id AND sp.status = 'attended')
     ORDER BY s.starts_at, s.id LIMIT 1`,
    [projectId],
  );
  return rows[0];
}

/** For each session given, how many of its attendees also attended the first session. */
export async function retainedFrom(db: Db, firstId: string, sessionIds: string[]): Promise<Map<string, number>> {
  if (!sessionIds.length) return new Map();
  const { rows } = await db.raw(
    `
    SELECT sp.session_id, count(*)::int AS retained
      FROM session_participants sp
      JOIN session_participants f ON f.session_id = ? AND f.participant_id = sp.participant_id AND f.status = 'attended'
     WHERE sp.session_id = ANY(?::uuid[]) AND sp.status = 'attended'
     GROUP BY sp.session_id`,
    [firstId, sessionIds],
  );
  return new Map(rows.map((r: { session_id: string; retained: number }) => [r.session_id, r.retained]));
}

/** Expected and attended over every held session of the project (slow: every attendance; the figures job). */
export async function overallAttendance(db: Db, projectId: string): Promise<{ expected: number; attended: number }> {
  const { rows } = await db.raw(
    `
    SELECT count(*) FILTER (WHERE sp.status <> 'declined')::int AS expected,
           count(*) FILTER (WHERE sp.status = 'attended')::int AS attended
      FROM sessions s JOIN session_participants sp ON sp.session_id = s.id
     WHERE s.project_id = ? AND s.status = 'held'`,
    [projectId],
  );
  return rows[0];
}

/**
 * Profiles of the project's panel (people invited and not declined, or present), only for
 * people with a live consent to the `profile` purpose, counted per combination of answers
 * (slow: the whole panel; the figures job).
 */
export async function consentedProfileCounts(
  db: Db,
  projectId: string,
): Promise<(Record<'age_band' | 'activity' | 'household', string | null> & { n: number })[]> {
  const rows = await db('participants as p')
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
    .groupBy('p.profile_age_band', 'p.profile_activity', 'p.profile_household')
    .select(
      'p.profile_age_band as age_band',
      'p.profile_activity as activity',
      'p.profile_household as household',
      db.raw('count(*)::int AS n'),
    );
  return rows;
}
