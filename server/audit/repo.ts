import type { Static } from '@sinclair/typebox';
import type { Db } from '../shared/db.js';
import { paginate } from '../shared/pagination.js';
import type { AuditQuery, AuditEventView } from './schemas.js';

export interface AuditRow extends Record<string, unknown> {
  id: number;
  occurred_at: Date;
  actor_user_id: string | null;
  actor_token_id: string | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  reason_code: string | null;
  request_id: string | null;
  data: Record<string, unknown>;
  seq: number | null;
}

/** Audit events, newest first by default, with their place in the chain once sealed. */
export function listAuditEvents(db: Db, f: Static<typeof AuditQuery>, timeZone: string) {
  const q = db('audit_events as e')
    .leftJoin('audit_chain as c', 'c.event_id', 'e.id')
    .select(
      'e.id',
      'e.occurred_at',
      'e.actor_user_id',
      'e.actor_token_id',
      'e.action',
      'e.record_type',
      'e.record_id',
      'e.reason_code',
      'e.request_id',
      'e.data',
      'c.seq',
    );
  if (f.action) q.where('e.action', f.action);
  if (f.recordType) q.where('e.record_type', f.recordType);
  if (f.recordId) q.where('e.record_id', f.recordId);
  if (f.actorUserId) q.where('e.actor_user_id', f.actorUserId);
  // Days are the organisation's days, not UTC ones.
  if (f.from) q.whereRaw('e.occurred_at >= (?::date)::timestamp AT TIME ZONE ?', [f.from, timeZone]);
  if (f.to) q.whereRaw('e.occurred_at < ((?::date + 1)::timestamp AT TIME ZONE ?)', [f.to, timeZone]);
  return paginate<AuditRow>(q, f, { columns: { occurredAt: 'e.occurred_at' }, default: '-occurredAt' }, 'e.id');
}

export function presentAuditEvent(r: AuditRow): Static<typeof AuditEventView> {
  return {
    id: r.id,
    occurredAt: r.occurred_at.toISOString(),
    actorUserId: r.actor_user_id,
    actorTokenId: r.actor_token_id,
    action: r.action,
    recordType: r.record_type,
    recordId: r.record_id,
    reasonCode: r.reason_code,
    requestId: r.request_id,
    data: r.data,
    seq: r.seq,
  };
}
