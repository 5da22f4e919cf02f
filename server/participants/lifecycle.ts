import type { Db } from '../shared/db.js';

/**
 * A participant's record: active → archived (restricted archive) → anonymised. Privacy's
 * retention and erasure decide when (docs/domain.md#personal-data-lifecycle); these are the only writes of the status.
 * The caller holds the rows' locks; a person already past the step is left as is.
 */
export async function markArchived(trx: Db, ids: string[], now: Date): Promise<void> {
  await trx.raw(
    `UPDATE participants SET status = 'archived', archived_at = ?, updated_at = ? WHERE id = ANY(?::uuid[]) AND status = 'active'`,
    [now, now, ids],
  );
}

export async function markAnonymised(trx: Db, ids: string[], now: Date): Promise<void> {
  await trx.raw(
    `UPDATE participants SET status = 'anonymised', anonymised_at = ?, updated_at = ? WHERE id = ANY(?::uuid[]) AND status <> 'anonymised'`,
    [now, now, ids],
  );
}
