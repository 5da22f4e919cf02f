import type { Db } from '../shared/db.js';
import type { Acting } from '../shared/acting.js';

/** Who did it, for the audit log: ids only. */
export interface AuditActor {
  userId: string | null;
  tokenId?: string | null;
  requestId?: string | null;
}

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
export async function recordAudit(trx: Db, by: Acting | AuditActor, entry: AuditEntry): Promise<void> {
  const actor = 'actor' in by ? { ...by.actor, requestId: by.requestId } : by;
  await trx('audit_events').insert({
    actor_user_id: actor.userId,
    actor_token_id: actor.tokenId ?? null,
    request_id: actor.requestId ?? null,
    action: entry.action,
    record_type: entry.recordType ?? null,
    record_id: entry.recordId ?? null,
    reason_code: entry.reasonCode ?? null,
    data: JSON.stringify(entry.data ?? {}),
  });
}
