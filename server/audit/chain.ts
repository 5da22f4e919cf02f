import { createHash, createHmac } from 'node:crypto';
import type { Db } from '../shared/db.js';

/** The hash before the first link. */
export const GENESIS = '0'.repeat(64);
/** The event from whose link on every link is a keyed hash (HMAC); earlier links stay plain SHA-256. */
export const SWITCH_ACTION = 'audit.chain_keyed';
/** The event that opens a new epoch after a restore from backup (see epoch.ts). */
export const EPOCH_ACTION = 'audit.epoch_started';

/**
 * The hash of one link: SHA-256 of `prev|canonical` before the switch, HMAC-SHA256 with the
 * audit key (which never enters the database) from the switch event on.
 */
export function linkHash(prevHash: string, canonical: string, hmacKey: Buffer | null): string {
  const text = `${prevHash}|${canonical}`;
  return (hmacKey ? createHmac('sha256', hmacKey) : createHash('sha256')).update(text, 'utf8').digest('hex');
}

/** The switch event and, once sealed, the seq of its link. */
export async function findSwitch(db: Db): Promise<{ eventId: string; seq: number | null } | null> {
  const { rows } = await db.raw(
    `SELECT e.id, c.seq FROM audit_events e LEFT JOIN audit_chain c ON c.event_id = e.id
      WHERE e.action = ? ORDER BY e.id LIMIT 1`,
    [SWITCH_ACTION],
  );
  return rows.length ? { eventId: String(rows[0].id), seq: rows[0].seq === null ? null : Number(rows[0].seq) } : null;
}

/**
 * The columns of an event as stored, for `canonicalOf`. The canonical text is built here, not
 * by the database function audit_event_canonical: a superuser could redefine that function to
 * show an edited event as it was. Only schema-qualified built-ins are used.
 */
export const EVENT_COLUMNS = `e.id::text AS e_id,
  pg_catalog.to_char(pg_catalog.timezone('UTC', e.occurred_at), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS e_at,
  e.actor_user_id::text AS e_actor_user_id, e.actor_token_id::text AS e_actor_token_id, e.action AS e_action,
  e.record_type AS e_record_type, e.record_id AS e_record_id, e.reason_code AS e_reason_code,
  e.request_id AS e_request_id, e.data::text AS e_data`;

export interface EventColumns {
  e_id: string | null;
  e_at: string;
  e_actor_user_id: string | null;
  e_actor_token_id: string | null;
  e_action: string;
  e_record_type: string | null;
  e_record_id: string | null;
  e_reason_code: string | null;
  e_request_id: string | null;
  e_data: string;
}

/** The text hashed for one event; the same as the SQL function audit_event_canonical, which sealed the older links. */
export function canonicalOf(e: EventColumns): string {
  return [
    e.e_id,
    e.e_at,
    e.e_actor_user_id ?? '',
    e.e_actor_token_id ?? '',
    e.e_action,
    e.e_record_type ?? '',
    e.e_record_id ?? '',
    e.e_reason_code ?? '',
    e.e_request_id ?? '',
    e.e_data,
  ].join('|');
}

export interface LinkRow {
  seq: number;
  eventId: number;
  action: string | null;
  prevHash: string;
  hash: string;
  canonical: string | null;
}

/** Links from `fromSeq` on, in order, with the canonical text of their event as it is now. */
export async function readLinks(db: Db, fromSeq: number, limit: number): Promise<LinkRow[]> {
  const { rows } = await db.raw(
    `SELECT c.seq, c.event_id, c.prev_hash, c.hash, ${EVENT_COLUMNS}
       FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id
      WHERE c.seq >= ? ORDER BY c.seq LIMIT ?`,
    [fromSeq, limit],
  );
  return (rows as ({ seq: string; event_id: string; prev_hash: string; hash: string } & EventColumns)[]).map((r) => ({
    seq: Number(r.seq),
    eventId: Number(r.event_id),
    action: r.e_id === null ? null : r.e_action,
    prevHash: r.prev_hash,
    hash: r.hash,
    canonical: r.e_id === null ? null : canonicalOf(r),
  }));
}

export interface Broken {
  seq: number;
  eventId: number;
  reason: string;
}

/**
 * Checks the links from `start` (the last trusted link: seq and hash, or 0 and GENESIS) to the
 * head: numbering, predecessor, content, the switch to keyed hashes at `switchSeq`, and each
 * hash `expected` names (signed checkpoints). Returns the head reached and the first problem.
 */
export async function walkChain(
  db: Db,
  opts: {
    start: { seq: number; hash: string };
    hmacKey: Buffer;
    switchSeq: number | null;
    expected?: Map<number, { hash: string; what: string }>;
    batchSize?: number;
  },
): Promise<{ head: { seq: number; hash: string } | null; checked: number; broken: Broken | null }> {
  const batchSize = opts.batchSize ?? 5000;
  let prevHash = opts.start.hash;
  let expectedSeq = opts.start.seq + 1;
  let checked = 0;
  let head: { seq: number; hash: string } | null = opts.start.seq > 0 ? { ...opts.start } : null;
  for (;;) {
    const rows = await readLinks(db, expectedSeq, batchSize);
    for (const r of rows) {
      const broken = (reason: string) => ({ head, checked, broken: { seq: r.seq, eventId: r.eventId, reason } });
      const keyed = opts.switchSeq !== null && r.seq >= opts.switchSeq;
      if (r.seq !== expectedSeq) return broken(`missing link before seq ${r.seq}`);
      if (r.canonical === null) return broken('event removed');
      if (r.prevHash !== prevHash) return broken('previous hash does not match');
      if (r.seq === opts.switchSeq && r.action !== SWITCH_ACTION)
        return broken('the switch to keyed hashes was moved or removed');
      if (linkHash(prevHash, r.canonical, keyed ? opts.hmacKey : null) !== r.hash) {
        return broken(
          keyed ? 'event content changed (or link not computed with the audit key)' : 'event content changed',
        );
      }
      const signed = opts.expected?.get(r.seq);
      if (signed && signed.hash !== r.hash) return broken(`does not match the ${signed.what}`);
      prevHash = r.hash;
      head = { seq: r.seq, hash: r.hash };
      expectedSeq++;
      checked++;
    }
    if (rows.length < batchSize) return { head, checked, broken: null };
  }
}
