import type { Db } from '../shared/db.js';

/** Merging two records of one person: the source's payees move to the kept record. Returns how many moved. */
export async function movePayees(trx: Db, sourceId: string, keptId: string): Promise<number> {
  return trx('payees').where({ participant_id: sourceId }).update({ participant_id: keptId });
}
