import type { Db } from '../shared/db.js';
import { containsPattern } from '../shared/search.js';
import { paginate } from '../shared/pagination.js';
import type { AuditorScope } from './policy.js';
import type { GrantRow } from './repo.js';

/** The queries of the grant use cases (`manage-grants.ts`, `budget-lines.ts`) and of the grant list. */

/** Inserts a grant; its id. */
export async function insertGrant(trx: Db, row: Record<string, unknown>): Promise<{ id: string }> {
  const [inserted] = await trx('grants').insert(row).returning(['id']);
  return inserted;
}

/** Updates grant `id`'s columns as given. */
export async function updateGrantRow(trx: Db, id: string, row: Record<string, unknown>): Promise<void> {
  await trx('grants').where({ id }).update(row);
}

/** Adds one to grant `id`'s version. */
export async function incrementGrantVersion(trx: Db, id: string): Promise<void> {
  await trx('grants').where({ id }).increment('version', 1);
}

/**
 * One page of grants, searchable by funder, reference, agreement number or programme; an
 * auditor with scopes sees only theirs.
 */
export async function grantListPage(
  db: Db,
  params: { limit?: string; cursor?: string; sort?: string; q?: string },
  scope: AuditorScope | null,
) {
  const q = db('grants').select('*');
  if (params.q) {
    const p = containsPattern(params.q);
    q.where((w) =>
      w
        .whereILike('funder', p)
        .orWhereILike('reference', p)
        .orWhereILike('agreement_number', p)
        .orWhereILike('programme', p),
    );
  }
  if (scope) q.whereIn('id', scope.grantIds);
  return paginate<GrantRow & Record<string, unknown>>(q, params, {
    columns: {
      funder: 'funder',
      reference: 'reference',
      periodStart: 'period_start',
      createdAt: 'created_at',
      totalCents: 'total_cents',
    },
    default: '-createdAt',
  });
}
