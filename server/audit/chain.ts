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
    `SELECT c.seq, c.event_id, c.prev_hash, c.hash, e.action, audit_event_canonical(e) AS canonical
       FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id
      WHERE c.seq >= ? ORDER BY c.seq LIMIT ?`,
    [fromSeq, limit],
  );
  return (rows as { seq: string; event_id: string; prev_hash: string; hash: string; action: string | null; canonical: string | null }[]).map((r) => ({
    seq: Number(r.seq), eventId: Number(r.event_id), action: r.action, prevHash: r.prev_hash, hash: r.hash, canonical: r.canonical,
  }));
}

export interface Broken { seq: number; eventId: number; reason: string }

/**
 * Checks the links from `start` (the last trusted link: seq and hash, or 0 and GENESIS) to the
 * head: numbering, predecessor, content, the switch to keyed hashes at `switchSeq`, and each
 * hash `expected` names (signed checkpoints). Returns the head reached and the first problem.
 */
export async function walkChain(
  db: Db,
  opts: { start: { seq: number; hash: string }; hmacKey: Buffer; switchSeq: number | null; expected?: Map<number, { hash: string; what: string }>; batchSize?: number },
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
      if (r.seq === opts.switchSeq && r.action !== SWITCH_ACTION) return broken('the switch to keyed hashes was moved or removed');
      if (linkHash(prevHash, r.canonical, keyed ? opts.hmacKey : null) !== r.hash) {
        return broken(keyed ? 'event content changed (or link not computed with the audit key)' : 'event content changed');
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
