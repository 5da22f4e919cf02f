import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { auditKeysFromConfig, type AuditKeys } from './keys.js';
import {
  canonicalOf,
  EVENT_COLUMNS,
  findSwitch,
  GENESIS,
  linkHash,
  SWITCH_ACTION,
  type EventColumns,
} from './chain.js';

/** What sealing needs: the database and the configuration the audit key comes from. */
export type AuditDeps = Pick<Deps, 'db' | 'config'>;

// One sealer at a time across instances, so that concurrent writers never fork the chain.
const SEAL_LOCK = 727100501;

/**
 * Links committed, unsealed events into the chain; returns how many were sealed. The first
 * run records the switch event: its link and every later one is an HMAC under the audit key,
 * computed here in the service because the key must never reach the database.
 */
export async function sealAudit(deps: AuditDeps, maxRows = 5000, scope: SealScope = 'all'): Promise<number> {
  const keys = auditKeysFromConfig(deps.config);
  let total = 0;
  for (;;) {
    const n = await inTransaction(deps.db, (trx) => sealBatch(trx, keys, maxRows, scope));
    total += n;
    if (n < maxRows) return total;
  }
}

/**
 * Which unsealed events a run looks for. `all`: every event (an anti-join over the whole log:
 * the verifier, the CLI, the hourly sweep). `recent`: those above the last sealed event's id
 * less `RECENT_WINDOW` ids (the 5-second job and the audit pages: their cost does not grow with
 * the log). An event whose transaction commits after 10,000 later events were sealed waits for
 * the hourly sweep; it is never lost, only sealed later.
 */
export type SealScope = 'all' | 'recent';
export const RECENT_WINDOW = 10_000;

async function sealBatch(trx: Db, keys: AuditKeys, maxRows: number, scope: SealScope): Promise<number> {
  await trx.raw('SELECT pg_advisory_xact_lock(?)', [SEAL_LOCK]);
  const last = await trx('audit_chain').select('seq', 'hash').orderBy('seq', 'desc').first();
  let seq = last ? Number(last.seq) : 0;
  let prevHash: string = last?.hash ?? GENESIS;
  const existing = await findSwitch(trx);
  let keyed = existing?.seq != null;
  let switchEventId = existing?.eventId ?? null;
  if (!existing) {
    const [row] = await trx('audit_events')
      .insert({
        action: SWITCH_ACTION,
        record_type: 'audit_chain',
        data: JSON.stringify({ algorithm: 'hmac-sha256', keyId: keys.hmacKeyId }),
      })
      .returning('id');
    switchEventId = String(row.id);
  }
  const from =
    scope === 'recent'
      ? Math.max(0, Number((await trx('audit_chain').max({ id: 'event_id' }).first())?.id ?? 0) - RECENT_WINDOW)
      : 0;
  const { rows } = await trx.raw(
    `SELECT ${EVENT_COLUMNS} FROM audit_events e
      WHERE e.id > ? AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
      ORDER BY e.id LIMIT ?`,
    [from, maxRows],
  );
  const links = (rows as EventColumns[]).map((r) => {
    seq++;
    if (r.e_id === switchEventId) keyed = true;
    const hash = linkHash(prevHash, canonicalOf(r), keyed ? keys.hmacKey : null);
    const link = { seq, event_id: r.e_id, prev_hash: prevHash, hash };
    prevHash = hash;
    return link;
  });
  for (let i = 0; i < links.length; i += 1000) await trx('audit_chain').insert(links.slice(i, i + 1000));
  return links.length;
}
