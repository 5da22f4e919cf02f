import type { Actor } from '../shared/authorize.js';
import type { Db } from '../shared/db.js';
import { formatDate } from '../shared/format.js';
import { assertGrantInScope, auditorScope } from '../grants/index.js';
import { getGrant, type GrantRow } from './repo.js';
import { notFound } from '../shared/errors.js';
import { grantReportsError } from './errors.js';

/**
 * What an actor may read of the grants, from server/grants' auditor scopes: everything, or
 * (an auditor with scope rows and no role that reads everything anyway) some grants, each
 * within a date range, until the rows expire (all expired: nothing).
 */
export type GrantScope = { all: true } | { all: false; grants: Map<string, { from: string; to: string }> };

export async function grantScopeOf(db: Db, actor: Actor | null, now: Date): Promise<GrantScope> {
  const scope = await auditorScope(db, actor, now);
  return scope ? { all: false, grants: scope.ranges } : { all: true };
}

/** The grant, when it exists and the scope covers it (404 otherwise, as server/grants answers). */
export async function grantInScope(db: Db, scope: GrantScope, grantId: string): Promise<GrantRow> {
  assertGrantInScope(scope.all ? null : { grantIds: [...scope.grants.keys()], ranges: scope.grants }, grantId);
  const grant = await getGrant(db, grantId);
  if (!grant) throw notFound('Subvention');
  return grant;
}

/** Refuses (403) a period that reaches outside the auditor's range for this grant. */
export function assertPeriodInScope(scope: GrantScope, grantId: string, from: string, to: string): void {
  if (scope.all) return;
  const range = scope.grants.get(grantId);
  if (!range || from < range.from || to > range.to) {
    throw range ? grantReportsError('auditor_period_out_of_scope', { from: formatDate(range.from), to: formatDate(range.to) }) : grantReportsError('auditor_grant_out_of_scope');
  }
}

/** The period an auditor may see of a grant (the whole grant period otherwise). */
export function visiblePeriod(scope: GrantScope, grant: GrantRow): { from: string; to: string } {
  const range = scope.all ? undefined : scope.grants.get(grant.id);
  return range ?? { from: grant.period_start, to: grant.period_end };
}

/** The range of days an auditor is limited to on this grant (null: nothing limits the reader). */
export function auditorRange(scope: GrantScope, grantId: string): { from: string; to: string } | null {
  return scope.all ? null : scope.grants.get(grantId) ?? null;
}
