import type { Db } from '../shared/db.js';
import { paginate } from '../shared/pagination.js';
import { cappedCounts, COUNT_CAP } from '../shared/counts.js';
import { preparedRows } from '../shared/prepared.js';
import { CLAIM_STATUSES, type ClaimListQuery } from './schemas.js';

export interface ClaimListRow extends Record<string, unknown> {
  id: string;
  reference: string;
  status: string;
  participant_id: string;
  participant_reference: string;
  first_name: string | null;
  last_name: string | null;
  project_id: string;
  project_name: string;
  is_advance: boolean;
  flags: string[];
  amount_requested_cents: number;
  amount_eligible_cents: number;
  amount_granted_cents: number | null;
  to_recover_cents: number;
  created_at: Date;
  submitted_at: Date | null;
}

export const QUEUE_SORT = {
  columns: { createdAt: 'c.created_at', reference: 'c.reference', amount: 'c.amount_requested_cents' },
  default: 'createdAt',
};

/** Filters of the claims queue, shared by the page, the API and the benchmark's bare route. */
export function filteredClaims(db: Db, f: ClaimListQuery, now: Date, withStatus = true) {
  const q = db('claims as c');
  if (withStatus && f.status) q.where('c.status', f.status);
  if (f.flag) q.whereRaw('c.flags @> ARRAY[?]::text[]', [f.flag]);
  if (f.projectId) q.where('c.project_id', f.projectId);
  if (f.participantId) q.where('c.participant_id', f.participantId);
  if (f.sessionId)
    q.whereExists((w) =>
      w
        .select(db.raw('1'))
        .from('claim_sessions as cs')
        .whereRaw('cs.claim_id = c.id')
        .where('cs.session_id', f.sessionId!),
    );
  if (f.olderThanDays) q.where('c.created_at', '<=', new Date(now.getTime() - Number(f.olderThanDays) * 86_400_000));
  if (f.advancesToSettle === 'true') {
    q.where('c.is_advance', true)
      .whereIn('c.status', ['approved', 'partially_approved', 'in_batch', 'paid'])
      .whereNotExists((w) =>
        w
          .select(db.raw('1'))
          .from('claims as s')
          .whereRaw('s.advance_of_claim_id = c.id')
          .whereNot('s.status', 'cancelled'),
      );
  }
  return q;
}

/** One page of the queue (keyset pagination) with the participant and project of each claim. */
export function listClaims(db: Db, f: ClaimListQuery, now: Date) {
  const q = filteredClaims(db, f, now)
    .join('participants as p', 'p.id', 'c.participant_id')
    .join('projects as pr', 'pr.id', 'c.project_id')
    .select(
      'c.id',
      'c.reference',
      'c.status',
      'c.participant_id',
      'p.reference as participant_reference',
      'p.first_name',
      'p.last_name',
      'c.project_id',
      'pr.name as project_name',
      'c.is_advance',
      'c.flags',
      'c.amount_requested_cents',
      'c.amount_eligible_cents',
      'c.amount_granted_cents',
      'c.to_recover_cents',
      'c.created_at',
      'c.submitted_at',
    );
  // The queue is the hottest read of the API: a prepared statement (one plan per connection).
  return paginate<ClaimListRow>(q, f, QUEUE_SORT, 'c.id', (query) => preparedRows(db, query));
}

/** How many claims per status under the same filters (the status filter aside). */
export async function countsByStatus(db: Db, f: ClaimListQuery, now: Date): Promise<Record<string, number>> {
  const rows = await filteredClaims(db, f, now, false).select('c.status').count({ n: '*' }).groupBy('c.status');
  return Object.fromEntries((rows as { status: string; n: number }[]).map((r) => [r.status, Number(r.n)]));
}

export { COUNT_CAP };

/** How many claims per status under the same filters (the status filter aside), each counted up to the cap (`cappedCounts`). */
export async function cappedCountsByStatus(
  db: Db,
  f: ClaimListQuery,
  now: Date,
  cap = COUNT_CAP,
): Promise<Record<string, number>> {
  return cappedCounts(db, CLAIM_STATUSES, (s) => filteredClaims(db, f, now, false).where('c.status', s), cap);
}
