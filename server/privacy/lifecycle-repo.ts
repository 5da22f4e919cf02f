import type { Knex } from 'knex';
import type { Db } from '../shared/db.js';
import { addMonths, localDay } from '../shared/dates.js';
import { accountingRecordsSql, lastPaymentAtSql, PAYABLE_STATUSES, payableClaimsSql } from './accounting-repo.js';
import type { Phase, RetentionPolicy } from './lifecycle.js';

/** Data access of the personal-data lifecycle (lifecycle.ts): who is due for which step, and the counts of the overview. */

interface Sql {
  sql: string;
  bindings: Knex.RawBinding[];
}

/** SQL of the participant `p`'s last contact (timestamptz); consent dates count from midnight in the organisation's time zone. */
export function lastContactSql(timeZone: string): Sql {
  return {
    sql: `greatest(p.last_contact_at, ((SELECT max(greatest(c.given_on, c.withdrawn_on)) FROM consents c WHERE c.participant_id = p.id)::timestamp AT TIME ZONE ?))`,
    bindings: [timeZone],
  };
}

/** Condition on `p`: active and due for the first step at `now`. */
export function activeDueSql(policy: RetentionPolicy, now: Date): Sql {
  const last = lastContactSql(policy.timeZone);
  return {
    // The first test lets the (status, last_contact_at) index discard recent people; the
    // second is the rule itself (consents may be later than last_contact_at).
    sql: `p.status = 'active' AND p.last_contact_at < ?::timestamptz - make_interval(years => ?) + interval '2 days'
          AND ${last.sql} + make_interval(years => ?) < ?::timestamptz`,
    bindings: [now, policy.activeYears, ...last.bindings, policy.activeYears, now],
  };
}

/** Condition on `p`: archived, due for anonymisation at `now`, and with nothing left to pay. */
export function archivedDueSql(policy: RetentionPolicy, now: Date): Sql {
  return {
    sql: `p.status = 'archived' AND coalesce(${lastPaymentAtSql('p.id')}, p.archived_at) + make_interval(years => ?) < ?::timestamptz
          AND NOT (${payableClaimsSql('p.id')})`,
    bindings: [policy.archiveYears, now],
  };
}

function dueSql(phase: Phase, policy: RetentionPolicy, now: Date): Sql {
  return phase === 'active' ? activeDueSql(policy, now) : archivedDueSql(policy, now);
}

/** The id of one claim of these participants still to be paid (approved or in a batch), if any. */
export async function firstPayableClaim(trx: Db, participantIds: string[]): Promise<{ id: string } | undefined> {
  return (await trx('claims')
    .whereIn('participant_id', participantIds)
    .whereIn('status', PAYABLE_STATUSES)
    .first('id')) as { id: string } | undefined;
}

/**
 * Up to `limit` participants due for the phase's step at `now`, locked (FOR UPDATE), skipping
 * those another runner holds.
 */
export async function lockDueParticipants(
  trx: Db,
  phase: Phase,
  policy: RetentionPolicy,
  now: Date,
  limit: number,
): Promise<string[]> {
  const due = dueSql(phase, policy, now);
  // No ORDER BY: the (status, last_contact_at) index yields due people in index order and
  // the scan stops at the limit; sorting every due person by id made each batch O(due).
  const { rows } = await trx.raw(
    `SELECT p.id FROM participants p WHERE ${due.sql} LIMIT ? FOR UPDATE OF p SKIP LOCKED`,
    [...due.bindings, limit],
  );
  return (rows as { id: string }[]).map((r) => r.id);
}

/** The next `limit` participants due for the phase's step at `now` after `afterId`, by id, without locks. */
export async function dueParticipantsAfter(
  db: Db,
  phase: Phase,
  policy: RetentionPolicy,
  now: Date,
  limit: number,
  afterId: string | null,
): Promise<string[]> {
  const due = dueSql(phase, policy, now);
  const { rows } = await db.raw(
    `SELECT p.id FROM participants p WHERE ${due.sql} ${afterId ? 'AND p.id > ?' : ''} ORDER BY p.id LIMIT ?`,
    [...due.bindings, ...(afterId ? [afterId] : []), limit],
  );
  return (rows as { id: string }[]).map((r) => r.id);
}

/** How many participants are due now, by the step they would take. */
export async function countDue(
  db: Db,
  policy: RetentionPolicy,
  now: Date,
): Promise<{ archive: number; anonymise: number; anonymiseFromArchive: number }> {
  const active = activeDueSql(policy, now);
  const archived = archivedDueSql(policy, now);
  const { rows } = await db.raw(
    `SELECT
       (SELECT count(*) FROM participants p WHERE ${active.sql} AND (${accountingRecordsSql('p.id')})) AS archive,
       (SELECT count(*) FROM participants p WHERE ${active.sql} AND NOT (${accountingRecordsSql('p.id')})) AS anonymise,
       (SELECT count(*) FROM participants p WHERE ${archived.sql}) AS from_archive`,
    [...active.bindings, ...active.bindings, ...archived.bindings],
  );
  return {
    archive: Number(rows[0].archive),
    anonymise: Number(rows[0].anonymise),
    anonymiseFromArchive: Number(rows[0].from_archive),
  };
}

/**
 * Active participants who will reach the end of their active period in each of the next
 * `months` calendar months (organisation time zone), from the current month on. Only people
 * whose last contact on record is old enough can be due before the window ends (a consent
 * only moves the last contact later): the (status, last_contact_at) index gives them, so the
 * cost follows the people due soon (and those overdue the daily run has not taken yet), not
 * every active participant.
 */
export async function upcomingByMonth(
  db: Db,
  policy: RetentionPolicy,
  now: Date,
  months = 3,
): Promise<{ month: string; count: number }[]> {
  const last = lastContactSql(policy.timeZone);
  const { rows } = await db.raw(
    `WITH bounds AS (SELECT date_trunc('month', ?::timestamptz AT TIME ZONE ?) AS first),
          span AS (SELECT first, first + make_interval(months => ?) AS stop, (first + make_interval(months => ?)) AT TIME ZONE ? AS stop_at FROM bounds),
          due AS (SELECT (${last.sql} + make_interval(years => ?)) AT TIME ZONE ? AS at
                    FROM participants p, span w
                   WHERE p.status = 'active' AND p.last_contact_at < w.stop_at - make_interval(years => ?) + interval '2 days')
     SELECT to_char(date_trunc('month', due.at), 'YYYY-MM') AS month, count(*) AS n
       FROM due, span w
      WHERE due.at >= greatest(w.first, ?::timestamptz AT TIME ZONE ?) AND due.at < w.stop
      GROUP BY 1`,
    [
      now,
      policy.timeZone,
      months,
      months,
      policy.timeZone,
      ...last.bindings,
      policy.activeYears,
      policy.timeZone,
      policy.activeYears,
      now,
      policy.timeZone,
    ],
  );
  const counts = new Map((rows as { month: string; n: number }[]).map((r) => [r.month, Number(r.n)]));
  const first = `${localDay(now, policy.timeZone).slice(0, 7)}-01`;
  return Array.from({ length: months }, (_, i) => {
    const month = addMonths(first, i).slice(0, 7);
    return { month, count: counts.get(month) ?? 0 };
  });
}
