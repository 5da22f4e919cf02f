import type { Static } from '@sinclair/typebox';
import type { Db } from '../shared/db.js';
import { cappedCounts } from '../shared/counts.js';
import { paginate } from '../shared/pagination.js';
import { OUTBOX_STATUSES, type OutboxQuery, type OutboxView } from './schemas.js';

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

/** Messages per status, each counted up to 10,001 (`cappedCounts`: the outbox keeps every message for years). */
export async function countByStatus(db: Db): Promise<Record<string, number>> {
  return cappedCounts(db, OUTBOX_STATUSES, (s) => db('outbox_messages').where('status', s));
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

/** Queues one message (the outbox's only insert). */
export async function insertMessage(db: Db, values: Record<string, unknown>): Promise<void> {
  await db('outbox_messages').insert(values);
}

/** An e-mail claimed by the worker, with what it needs to send it. */
export interface Claimed {
  id: string;
  message_id: string;
  recipient_email: string;
  recipient_name: string | null;
  subject: string;
  body_text: string;
  body_html: string;
  attempts: number;
}

/**
 * Due e-mails (pending, or sending with an expired lease) under FOR UPDATE SKIP LOCKED, so that
 * concurrent workers never take the same message.
 */
export async function lockDueEmails(trx: Db, now: Date, limit: number): Promise<{ id: string }[]> {
  const { rows } = await trx.raw(
    `SELECT id FROM outbox_messages
      WHERE channel = 'email' AND recipient_email IS NOT NULL
        AND ((status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND lease_until < ?))
      ORDER BY next_attempt_at, created_at
      LIMIT ? FOR UPDATE SKIP LOCKED`,
    [now, now, limit],
  );
  return rows;
}

/** Reserves the claimed messages until `leaseUntil` and counts an attempt. */
export async function leaseMessages(trx: Db, ids: string[], leaseUntil: Date): Promise<Claimed[]> {
  return (await trx('outbox_messages')
    .whereIn('id', ids)
    .update({
      status: 'sending',
      lease_until: leaseUntil,
      attempts: trx.raw('attempts + 1'),
    })
    .returning([
      'id',
      'message_id',
      'recipient_email',
      'recipient_name',
      'subject',
      'body_text',
      'body_html',
      'attempts',
    ])) as Claimed[];
}

/** The server accepted the e-mail (only while it is still `sending`). */
export async function setDelivered(db: Db, id: string, now: Date): Promise<void> {
  await db('outbox_messages')
    .where({ id, status: 'sending' })
    .update({ status: 'delivered', delivered_at: now, lease_until: null, last_error_code: null });
}

/** A send failed: a retry is scheduled, or the message is given up. */
export function setSendFailed(
  db: Db,
  id: string,
  values: { status: 'failed' | 'pending'; lastErrorCode: string; nextAttemptAt: Date },
): Promise<number> {
  return db('outbox_messages').where({ id }).update({
    status: values.status,
    lease_until: null,
    last_error_code: values.lastErrorCode,
    next_attempt_at: values.nextAttemptAt,
  });
}

/** A failed or waiting e-mail goes back in the queue, due now; the number of rows changed (0 or 1). */
export function requeueEmail(db: Db, id: string, now: Date): Promise<number> {
  return db('outbox_messages')
    .where({ id, channel: 'email' })
    .whereIn('status', ['failed', 'pending'])
    .update({ status: 'pending', next_attempt_at: now, attempts: 0, last_error_code: null });
}
