import type { Db } from '../shared/db.js';

/* The participant's history reads tables other capabilities write (read-only). */

/** The person's consents with their purpose's label. */
export function timelineConsents(
  db: Db,
  participantId: string,
): Promise<
  { given_on: string; channel: string; withdrawn_on: string | null; withdrawal_channel: string | null; label: string }[]
> {
  return db('consents as c')
    .join('consent_purposes as cp', 'cp.code', 'c.purpose_code')
    .where('c.participant_id', participantId)
    .select('c.given_on', 'c.channel', 'c.withdrawn_on', 'c.withdrawal_channel', 'cp.label');
}

/** The person's privacy requests. */
export function timelineRequests(
  db: Db,
  participantId: string,
): Promise<{ reference: string; kind: string; received_on: string; status: string; completed_on: string | null }[]> {
  return db('privacy_requests')
    .where({ participant_id: participantId })
    .select('reference', 'kind', 'received_on', 'status', 'completed_on');
}

/** The audit events of the record, and the merges whose source it was; newest first. */
export function timelineAuditEvents(
  db: Db,
  participantId: string,
  limit: number,
): Promise<{ occurred_at: Date; action: string; reason_code: string | null; data: Record<string, unknown> }[]> {
  return db('audit_events')
    .where((w) =>
      w
        .where({ record_type: 'participant', record_id: participantId })
        .orWhere((m) => m.where('action', 'participant.merged').whereRaw("data->>'sourceId' = ?", [participantId])),
    )
    .orderBy('id', 'desc')
    .limit(limit)
    .select('occurred_at', 'action', 'reason_code', 'data');
}
