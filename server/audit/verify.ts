import { createHash } from 'node:crypto';
import type { Db } from '../shared/db.js';

export interface ChainReport {
  ok: boolean;
  checked: number;
  headSeq: number | null;
  headHash: string | null;
  /** The first link whose hash does not match its event or its predecessor. */
  firstBroken: { seq: number; eventId: number; reason: string } | null;
  unsealed: number;
}

const GENESIS = '0'.repeat(64);

/**
 * Recomputes the chain from the events as they are now, in batches, and reports the first
 * link that does not match: an edited event, a removed event, or a reordered chain.
 */
export async function verifyAuditChain(db: Db, batchSize = 5000): Promise<ChainReport> {
  let prevHash = GENESIS;
  let expectedSeq = 1;
  let checked = 0;
  let head: { seq: number; hash: string } | null = null;
  for (;;) {
    const { rows } = await db.raw(
      `SELECT c.seq, c.event_id, c.prev_hash, c.hash, audit_event_canonical(e) AS canonical
         FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id
        WHERE c.seq >= ? ORDER BY c.seq LIMIT ?`,
      [expectedSeq, batchSize],
    );
    for (const r of rows as { seq: number; event_id: number; prev_hash: string; hash: string; canonical: string | null }[]) {
      const broken = (reason: string) => ({ seq: r.seq, eventId: r.event_id, reason });
      let problem: ReturnType<typeof broken> | null = null;
      if (r.seq !== expectedSeq) problem = broken(`missing link before seq ${r.seq}`);
      else if (r.canonical === null) problem = broken('event removed');
      else if (r.prev_hash !== prevHash) problem = broken('previous hash does not match');
      else if (createHash('sha256').update(`${prevHash}|${r.canonical}`, 'utf8').digest('hex') !== r.hash) problem = broken('event content changed');
      if (problem) {
        const unsealed = await countUnsealed(db);
        return { ok: false, checked, headSeq: head?.seq ?? null, headHash: head?.hash ?? null, firstBroken: problem, unsealed };
      }
      prevHash = r.hash;
      head = { seq: r.seq, hash: r.hash };
      expectedSeq++;
      checked++;
    }
    if (rows.length < batchSize) break;
  }
  return { ok: true, checked, headSeq: head?.seq ?? null, headHash: head?.hash ?? null, firstBroken: null, unsealed: await countUnsealed(db) };
}

async function countUnsealed(db: Db): Promise<number> {
  const { rows } = await db.raw('SELECT count(*) AS n FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)');
  return Number(rows[0].n);
}

export async function auditHead(db: Db): Promise<{ seq: number; hash: string } | null> {
  const row = await db('audit_chain').select('seq', 'hash').orderBy('seq', 'desc').first();
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}
