import type { Deps } from '../shared/deps.js';
import { auditKeysFromConfig } from './keys.js';
import { findSwitch, GENESIS, walkChain } from './chain.js';
import {
  currentState,
  pruneCheckpoints,
  readSignedFiles,
  writeSignedFile,
  type CheckpointPayload,
} from './checkpoints.js';
import { sealAudit } from './seal.js';

export type CheckpointDeps = Pick<Deps, 'db' | 'config' | 'now'>;

export interface CheckpointResult {
  /** The checkpoint signed by this call, or null (nothing new, too soon, or a problem). */
  written: CheckpointPayload | null;
  /** Why no checkpoint could be signed: the chain does not extend the last signed statement. */
  problem: string | null;
}

/**
 * Signs a checkpoint of the current head into the checkpoint folder, but only for a chain
 * that extends the last signed statement: the links added since are verified first (HMAC
 * included), so a truncated or rewritten chain is never signed over and stays detectable.
 * Without `force`, signs at most once every AUDIT_CHECKPOINT_EVERY_SECONDS. `now`: the
 * signing time (a use case's `acting.now`; the clock's when not given: the periodic job).
 */
export async function writeAuditCheckpoint(
  deps: CheckpointDeps,
  opts: { force?: boolean; now?: Date } = {},
): Promise<CheckpointResult> {
  const now = opts.now ?? deps.now();
  const keys = auditKeysFromConfig(deps.config);
  const dir = deps.config.auditCheckpointDir;
  const { files, invalid } = readSignedFiles(dir, keys);
  if (invalid.length) return { written: null, problem: `signed file(s) that do not verify: ${invalid.join(', ')}` };
  const state = currentState(files.map((f) => f.payload));
  const latest = state.checkpoints.at(-1);
  if (
    !opts.force &&
    latest &&
    now.getTime() - Date.parse(latest.signedAt) < deps.config.auditCheckpointEverySeconds * 1000
  ) {
    return { written: null, problem: null };
  }
  const base = state.last ? { seq: state.last.seq, hash: state.last.hash } : { seq: 0, hash: GENESIS };
  const switchSeq = state.last?.keyedFromSeq ?? (await findSwitch(deps.db))?.seq ?? null;
  // The base link itself must still be the signed one; then every link after it is verified.
  if (base.seq > 0) {
    const link = await deps.db('audit_chain').select('hash').where({ seq: base.seq }).first();
    if (!link) return { written: null, problem: `truncated: link #${base.seq} of the last signed statement is gone` };
    if (link.hash !== base.hash)
      return { written: null, problem: `link #${base.seq} does not match the last signed statement` };
  }
  const walk = await walkChain(deps.db, { start: base, hmacKey: keys.hmacKey, switchSeq });
  if (walk.broken) return { written: null, problem: `link #${walk.broken.seq}: ${walk.broken.reason}` };
  if (!walk.head || (latest && walk.head.seq === latest.seq)) return { written: null, problem: null };
  const dbSwitch = switchSeq ?? (await findSwitch(deps.db))?.seq ?? null;
  const payload: CheckpointPayload = {
    type: 'checkpoint',
    epoch: state.epoch,
    seq: walk.head.seq,
    hash: walk.head.hash,
    count: walk.head.seq,
    keyedFromSeq: dbSwitch !== null && dbSwitch <= walk.head.seq ? dbSwitch : null,
    signedAt: now.toISOString(),
  };
  writeSignedFile(dir, keys, payload);
  pruneCheckpoints(dir, readSignedFiles(dir, keys).files);
  return { written: payload, problem: null };
}

/** The periodic job: seal, then sign a checkpoint when due; a chain that cannot be signed over is logged. */
export async function sealAndCheckpoint(deps: Pick<Deps, 'db' | 'config' | 'now' | 'log'>): Promise<void> {
  await sealAudit(deps, 5000, 'recent');
  const { problem } = await writeAuditCheckpoint(deps);
  if (problem)
    deps.log.error(
      { problem },
      'audit chain not checkpointed: it does not extend the last signed checkpoint (run audit-verify)',
    );
}
