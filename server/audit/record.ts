import type { Db } from '../shared/db.js';
import type { Acting } from '../shared/acting.js';

export interface AuditEntry {
  action: string;
  recordType?: string;
  recordId?: string | null;
  /** A code from a list, never free text (free-text reasons live on the business record). */
  reasonCode?: string | null;
  /** Ids, codes, counts and field names only: never personal data. */
  data?: Record<string, unknown>;
}

/**
 * Appends one audit event in the caller's transaction, so that the event exists if and only
 * if the change it describes was committed.
 */
export async function recordAudit(trx: Db, acting: Acting, entry: AuditEntry): Promise<void> {
  await trx('audit_events').insert({
    actor_user_id: acting.actor.userId,
    actor_token_id: acting.actor.tokenId,
    request_id: acting.requestId,
    action: entry.action,
    record_type: entry.recordType ?? null,
    record_id: entry.recordId ?? null,
    reason_code: entry.reasonCode ?? null,
    data: JSON.stringify(entry.data ?? {}),
  });
}
