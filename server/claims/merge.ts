import type { Db } from '../shared/db.js';

/** A merged person's claims follow the record that is kept (their payees move with them). */
export async function moveClaims(db: Db, sourceId: string, keptId: string): Promise<number> {
  return db('claims').where({ participant_id: sourceId }).update({ participant_id: keptId });
}
