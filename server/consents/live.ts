import type { Db } from '../shared/db.js';
import { livePurposeCodes } from './repo.js';

/**
 * The purposes for which the participant has a live consent on `today` (`YYYY-MM-DD`): given
 * by then, neither withdrawn, superseded nor expired. Other capabilities check this before
 * using data a purpose covers (e.g. `needs`, `profile`, `contact`).
 */
export async function liveConsentPurposes(db: Db, participantId: string, today: string): Promise<Set<string>> {
  return new Set(await livePurposeCodes(db, participantId, today));
}
