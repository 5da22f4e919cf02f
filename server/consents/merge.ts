import type { Db } from '../shared/db.js';

/**
 * Moves the source's consents to the kept record. Where both hold a live consent for one
 * purpose, the older is superseded by the newer (one live consent per purpose and person).
 */
export async function moveConsents(trx: Db, sourceId: string, keptId: string): Promise<number> {
  const live = await trx('consents')
    .whereIn('participant_id', [sourceId, keptId])
    .whereNull('withdrawn_on')
    .whereNull('superseded_by')
    .orderBy([
      { column: 'given_on', order: 'desc' },
      { column: 'created_at', order: 'desc' },
    ])
    .select('id', 'purpose_code');
  const newest = new Map<string, string>();
  for (const c of live) {
    const keep = newest.get(c.purpose_code);
    if (!keep) newest.set(c.purpose_code, c.id);
    else await trx('consents').where({ id: c.id }).update({ superseded_by: keep });
  }
  return trx('consents').where({ participant_id: sourceId }).update({ participant_id: keptId });
}
