import type { Knex } from 'knex';
import type { Db } from '../shared/db.js';
import { cancelClaimsOnErasure } from '../claims/index.js';
import { markAnonymised, markArchived } from '../participants/index.js';
import type { Acting } from '../shared/acting.js';
import {
  accountingRecordsSql,
  lastPaymentAtSql,
  participantsWithAccountingRecords,
  PAYABLE_STATUSES,
  payableClaimsSql,
} from './accounting-repo.js';
import { addCounts, applyErasures, countErasures, type ErasureCounts, type Step } from './erasure.js';

/**
 * The personal-data lifecycle of participants: active → archived → anonymised (docs/domain.md#personal-data-lifecycle).
 * - last contact: participants.last_contact_at (bumped by attendance, claims, replies…) or the
 *   latest consent given or withdrawn, whichever is later;
 * - due for the first step when last contact + activeYears < now: people with accounting
 *   records are archived, the others anonymised at once (nothing to archive);
 * - archived people are anonymised when (last payment, or the archiving date when there is
 *   no payment) + archiveYears < now.
 */
export interface RetentionPolicy {
  activeYears: number;
  archiveYears: number;
  timeZone: string;
}

/** `phase` names which participants a batch takes: active ones (first step) or archived ones (second). */
export type Phase = 'active' | 'archived';

export interface BatchResult {
  ids: string[];
  participants: Record<Step, number>;
  erased: Record<Step, ErasureCounts>;
}

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

/** Moves participants to `archived` and erases what accounting does not need. The caller holds their row locks. */
export async function archiveParticipants(trx: Db, ids: string[], now: Date): Promise<ErasureCounts> {
  if (ids.length === 0) return {};
  await markArchived(trx, ids, now);
  return applyErasures(trx, ids, 'archive', now);
}

/**
 * Moves participants to `anonymised` and erases everything that identifies them; the
 * reference and status remain. Every path to anonymisation (erasure, retention) goes through
 * here, so here: their draft and submitted claims are cancelled, reason "effacement"
 * (docs/domain.md#erasure-and-withdrawal), and an anonymised person never has a claim still to pay — a caller that
 * passes someone with a claim approved or in a batch is a bug (they must be archived).
 * At the acting's clock, audited as the acting.
 */
export async function anonymiseParticipants(trx: Db, acting: Acting, ids: string[]): Promise<ErasureCounts> {
  if (ids.length === 0) return {};
  const { now } = acting;
  const payable = await trx('claims').whereIn('participant_id', ids).whereIn('status', PAYABLE_STATUSES).first('id');
  if (payable) throw new Error('anonymisation refused: a claim is still to be paid (the person must be archived)');
  await cancelClaimsOnErasure(trx, acting, ids);
  // Status first: the table only requires names of active people.
  await markAnonymised(trx, ids, now);
  return applyErasures(trx, ids, 'anonymise', now);
}

async function split(trx: Db, phase: Phase, ids: string[]) {
  if (phase === 'archived') return { archive: [], anonymise: ids };
  const keep = await participantsWithAccountingRecords(trx, ids);
  return { archive: ids.filter((id) => keep.has(id)), anonymise: ids.filter((id) => !keep.has(id)) };
}

/**
 * Takes up to `limit` due participants of the phase at the acting's clock under row locks,
 * skipping those another runner holds (two runners never process one person), and applies their step.
 */
export async function applyDueBatch(
  trx: Db,
  acting: Acting,
  input: { phase: Phase; policy: RetentionPolicy; limit: number },
): Promise<BatchResult> {
  const { phase, policy, limit } = input;
  const { now } = acting;
  const due = dueSql(phase, policy, now);
  // No ORDER BY: the (status, last_contact_at) index yields due people in index order and
  // the scan stops at the limit; sorting every due person by id made each batch O(due).
  const { rows } = await trx.raw(
    `SELECT p.id FROM participants p WHERE ${due.sql} LIMIT ? FOR UPDATE OF p SKIP LOCKED`,
    [...due.bindings, limit],
  );
  const ids = (rows as { id: string }[]).map((r) => r.id);
  const steps = await split(trx, phase, ids);
  return {
    ids,
    participants: { archive: steps.archive.length, anonymise: steps.anonymise.length },
    erased: {
      archive: await archiveParticipants(trx, steps.archive, now),
      anonymise: await anonymiseParticipants(trx, acting, steps.anonymise),
    },
  };
}

/** Like `applyDueBatch` but changes nothing: the next `limit` due participants after `afterId`, and what their step would erase. */
export async function previewDueBatch(
  db: Db,
  phase: Phase,
  policy: RetentionPolicy,
  now: Date,
  limit: number,
  afterId: string | null,
): Promise<BatchResult> {
  const due = dueSql(phase, policy, now);
  const { rows } = await db.raw(
    `SELECT p.id FROM participants p WHERE ${due.sql} ${afterId ? 'AND p.id > ?' : ''} ORDER BY p.id LIMIT ?`,
    [...due.bindings, ...(afterId ? [afterId] : []), limit],
  );
  const ids = (rows as { id: string }[]).map((r) => r.id);
  const steps = await split(db, phase, ids);
  return {
    ids,
    participants: { archive: steps.archive.length, anonymise: steps.anonymise.length },
    erased: {
      archive: await countErasures(db, steps.archive, 'archive'),
      anonymise: await countErasures(db, steps.anonymise, 'anonymise'),
    },
  };
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
 * `months` calendar months (organisation time zone), from the current month on.
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
          due AS (SELECT (${last.sql} + make_interval(years => ?)) AT TIME ZONE ? AS at FROM participants p WHERE p.status = 'active')
     SELECT to_char(m.month, 'YYYY-MM') AS month,
            (SELECT count(*) FROM due WHERE due.at >= greatest(m.month, ?::timestamptz AT TIME ZONE ?) AND due.at < m.month + interval '1 month') AS n
       FROM bounds, generate_series(bounds.first, bounds.first + make_interval(months => ?), interval '1 month') AS m(month)
      ORDER BY m.month`,
    [now, policy.timeZone, ...last.bindings, policy.activeYears, policy.timeZone, now, policy.timeZone, months - 1],
  );
  return (rows as { month: string; n: number }[]).map((r) => ({ month: r.month, count: Number(r.n) }));
}

export function emptyBatchTotals(): Omit<BatchResult, 'ids'> {
  return { participants: { archive: 0, anonymise: 0 }, erased: { archive: {}, anonymise: {} } };
}

export function addBatch(total: Omit<BatchResult, 'ids'>, batch: BatchResult): void {
  total.participants.archive += batch.participants.archive;
  total.participants.anonymise += batch.participants.anonymise;
  addCounts(total.erased.archive, batch.erased.archive);
  addCounts(total.erased.anonymise, batch.erased.anonymise);
}
