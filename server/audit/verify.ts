import type { Db } from '../shared/db.js';
import { auditKeysFromConfig } from './keys.js';
import { findSwitch, GENESIS, walkChain, type Broken } from './chain.js';
import { currentState, readSignedFiles, verifySignedText, type SignedPayload } from './checkpoints.js';
import type { AuditDeps } from './seal.js';

export interface ChainReport {
  ok: boolean;
  checked: number;
  headSeq: number | null;
  headHash: string | null;
  /** The first link whose hash does not match its event, its predecessor, the audit key or a signed checkpoint. */
  firstBroken: Broken | null;
  unsealed: number;
  /** The link from which hashes are keyed (HMAC). */
  keyedFromSeq: number | null;
  /** 0, or the number of the last recorded restore. */
  epoch: number;
  /** The latest signed statement the chain was compared with. */
  lastSigned: { type: 'checkpoint' | 'epoch'; epoch: number; seq: number; hash: string; signedAt: string } | null;
  /** A truncation, or a signed file that does not verify. */
  checkpointProblem: string | null;
}

const describe = (p: SignedPayload) =>
  `${p.type === 'epoch' ? `opening of epoch ${p.epoch}` : 'checkpoint'} signed at ${p.signedAt}`;

/**
 * Recomputes the chain from the events as they are now and compares it with the signed
 * statements outside the database. Detects an edited event, a chain recomputed in SQL (plain
 * SHA-256, or HMAC under any other key), a removed or reordered link, a moved switch, and a
 * removed tail (shorter than the last signed checkpoint) unless a signed epoch records the
 * restore. `extraSigned`: texts of signed files kept elsewhere (the DPO's downloaded copy).
 * `internalOnly`: the links among themselves only (before an epoch is started over a restore).
 */
export async function verifyAuditChain(
  deps: AuditDeps,
  opts: { extraSigned?: string[]; internalOnly?: boolean } = {},
): Promise<ChainReport> {
  const keys = auditKeysFromConfig(deps.config);
  const { files, invalid } = readSignedFiles(deps.config.auditCheckpointDir, keys);
  const payloads = files.map((f) => f.payload);
  const problems: string[] = [];
  if (invalid.length)
    problems.push(`signed file(s) that do not verify with the audit public key: ${invalid.join(', ')}`);
  for (const text of opts.extraSigned ?? []) {
    const payload = verifySignedText(keys, text);
    if (payload) payloads.push(payload);
    else problems.push('the checkpoint file given does not verify with the audit public key');
  }
  const state = currentState(opts.internalOnly ? [] : payloads);
  const expected = new Map<number, { hash: string; what: string }>();
  for (const p of [...(state.opening ? [state.opening] : []), ...state.checkpoints])
    expected.set(p.seq, { hash: p.hash, what: describe(p) });
  const dbSwitch = await findSwitch(deps.db);
  // The signed switch wins: moving or removing it in the database is itself detected.
  const switchSeq = state.last?.keyedFromSeq ?? dbSwitch?.seq ?? null;
  const walk = await walkChain(deps.db, {
    start: { seq: 0, hash: GENESIS },
    hmacKey: keys.hmacKey,
    switchSeq,
    expected,
  });
  const headSeq = walk.head?.seq ?? 0;
  if (!walk.broken && state.last && headSeq < state.last.seq) {
    problems.push(
      `truncated: the chain ends at link #${headSeq} but the ${describe(state.last)} covers link #${state.last.seq}`,
    );
  }
  const last = state.last;
  return {
    ok: !walk.broken && problems.length === 0,
    checked: walk.checked,
    headSeq: walk.head?.seq ?? null,
    headHash: walk.head?.hash ?? null,
    firstBroken: walk.broken,
    unsealed: await countUnsealed(deps.db),
    keyedFromSeq: switchSeq,
    epoch: state.epoch,
    lastSigned: last
      ? { type: last.type, epoch: last.epoch, seq: last.seq, hash: last.hash, signedAt: last.signedAt }
      : null,
    checkpointProblem: problems.length ? problems.join('; ') : null,
  };
}

async function countUnsealed(db: Db): Promise<number> {
  const { rows } = await db.raw(
    'SELECT count(*) AS n FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)',
  );
  return Number(rows[0].n);
}

export async function auditHead(db: Db): Promise<{ seq: number; hash: string } | null> {
  const row = await db('audit_chain').select('seq', 'hash').orderBy('seq', 'desc').first();
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}
