import type { Db } from '../shared/db.js';
import { formatDate } from '../shared/format.js';
import type { RateSet } from './types.js';
import { resolveRateSet } from './resolve-rate-set.js';
import { projectAllowance, versionsInForce } from './repo.js';
import { reimbursementError } from './errors.js';

/**
 * The rate set in force on a travel day: the organisation's latest version effective on or
 * before `travelDate`, merged with the project's latest override effective on or before that
 * day, with the project's allowance when it is switched on. Reads only (pass the
 * transaction). Throws 409 `policy_not_in_force` when the organisation had no rates then.
 */
export async function rateSetFor(
  db: Db,
  where: { projectId: string | null | undefined; travelDate: string },
): Promise<RateSet> {
  const projectId = where.projectId ?? null;
  const versions = await versionsInForce(db, projectId, where.travelDate);
  const allowance = projectId ? await projectAllowance(db, projectId) : undefined;
  const rates = resolveRateSet(
    versions.filter((v) => v.projectId === null),
    versions.filter((v) => v.projectId !== null),
    allowance ?? null,
    where.travelDate,
  );
  if (!rates) throw reimbursementError('policy_not_in_force', { date: formatDate(where.travelDate) });
  return rates;
}
