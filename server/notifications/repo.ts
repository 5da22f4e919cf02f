import type { Static } from '@sinclair/typebox';
import type { Db } from '../shared/db.js';
import { paginate } from '../shared/pagination.js';
import type { OutboxQuery, OutboxView } from './schemas.js';

export interface OutboxRow extends Record<string, unknown> {
  id: string;
  message_id: string;
  channel: string;
  template: string;
  use: string;
  participant_id: string | null;
  status: 'pending' | 'sending' | 'delivered' | 'failed' | 'printed' | 'withheld';
  attempts: number;
  next_attempt_at: Date;
  last_error_code: string | null;
  related_type: string | null;
  related_id: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const LIST_COLUMNS = [
  'id',
  'message_id',
  'channel',
  'template',
  'use',
  'participant_id',
  'status',
  'attempts',
  'next_attempt_at',
  'last_error_code',
  'related_type',
  'related_id',
  'created_at',
  'delivered_at',
];

export function listOutbox(db: Db, f: Static<typeof OutboxQuery>) {
  const q = db('outbox_messages').select(LIST_COLUMNS);
  if (f.status) q.where('status', f.status);
  if (f.channel) q.where('channel', f.channel);
  return paginate<OutboxRow>(q, f, { columns: { createdAt: 'created_at' }, default: '-createdAt' });
}

export async function getOutboxMessage(db: Db, id: string): Promise<OutboxRow | undefined> {
  return (await db('outbox_messages').where({ id }).first(LIST_COLUMNS)) as OutboxRow | undefined;
}

export async function countByStatus(db: Db): Promise<Record<string, number>> {
  const rows = (await db('outbox_messages').select('status').count({ n: '*' }).groupBy('status')) as {
    status: string;
    n: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export interface LetterRow {
  id: string;
  subject: string;
  body_text: string;
  recipient_name: string | null;
  participant_id: string | null;
  address_line1: string | null;
  address_line2: string | null;
  postal_code: string | null;
  commune_name: string | null;
  /** Set when the person is reached through their association: the letter goes to it. */
  partner_name: string | null;
  partner_address_line1: string | null;
  partner_postal_code: string | null;
  partner_commune_name: string | null;
  created_at: Date;
}

/**
 * Letters waiting to be printed, with the recipient's postal address as it is today — or, for
 * people whose channel is their association (`preferred_channel = 'partner'`, set when they
 * withdraw their contact consent), the association's address.
 */
export function pendingLetters(db: Db, ids?: string[]): Promise<LetterRow[]> {
  const q = db('outbox_messages as m')
    .leftJoin('participants as p', 'p.id', 'm.participant_id')
    .leftJoin('partners as pa', (j) => j.on('pa.id', 'p.partner_id').andOnVal('p.preferred_channel', '=', 'partner'))
    .where('m.channel', 'letter')
    .where('m.status', 'pending')
    .whereNotNull('m.body_text') // erased with the person's data: nothing left to send
    .orderBy('m.created_at')
    .select(
      'm.id',
      'm.subject',
      'm.body_text',
      'm.recipient_name',
      'm.participant_id',
      'p.address_line1',
      'p.address_line2',
      'p.postal_code',
      'p.commune_name',
      'm.created_at',
      {
        partner_name: 'pa.name',
        partner_address_line1: 'pa.address_line1',
        partner_postal_code: 'pa.postal_code',
        partner_commune_name: 'pa.commune_name',
      },
    );
  if (ids) q.whereIn('m.id', ids);
  return q as unknown as Promise<LetterRow[]>;
}

export async function markPrinted(db: Db, ids: string[], now: Date): Promise<number> {
  return db('outbox_messages')
    .whereIn('id', ids)
    .where({ channel: 'letter', status: 'pending' })
    .update({ status: 'printed', delivered_at: now });
}

export function presentOutbox(r: OutboxRow): Static<typeof OutboxView> {
  return {
    id: r.id,
    messageId: r.message_id,
    channel: r.channel,
    template: r.template,
    use: r.use,
    participantId: r.participant_id,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at.toISOString(),
    lastErrorCode: r.last_error_code,
    relatedType: r.related_type,
    relatedId: r.related_id,
    createdAt: r.created_at.toISOString(),
    deliveredAt: r.delivered_at?.toISOString() ?? null,
  };
}

/** A merged person's messages follow the record that is kept. */
export async function moveMessages(db: Db, sourceId: string, keptId: string): Promise<number> {
  return db('outbox_messages').where({ participant_id: sourceId }).update({ participant_id: keptId });
}

export interface ParticipantMessageRow {
  id: string;
  channel: string;
  template: string;
  use: string;
  status: OutboxRow['status'];
  subject: string;
  created_at: Date;
  delivered_at: Date | null;
}

/** The messages of one person, newest first, withheld ones (not contacted: no consent) included. */
export function participantMessageRows(db: Db, participantId: string, limit = 100): Promise<ParticipantMessageRow[]> {
  return db('outbox_messages')
    .where({ participant_id: participantId })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit)
    .select(
      'id',
      'channel',
      'template',
      'use',
      'status',
      'subject',
      'created_at',
      'delivered_at',
    ) as unknown as Promise<ParticipantMessageRow[]>;
}
