import { auditKeysFromConfig } from './keys.js';
import { EPOCH_ACTION, findSwitch } from './chain.js';
import { currentState, readSignedFiles, writeSignedFile, type EpochPayload } from './checkpoints.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from './record.js';
import { sealAudit } from './seal.js';
import { auditHead, verifyAuditChain } from './verify.js';
import { writeAuditCheckpoint, type CheckpointDeps } from './write-checkpoint.js';
import { auditError } from './errors.js';

/**
 * Records that the database was restored from a backup: an `audit.epoch_started` event, and
 * an epoch file signed with the audit key that names its link and the last checkpoint before
 * the restore. From then on the verifier compares the chain with the new epoch's checkpoints,
 * so the links lost by the restore are reported as an epoch, not as a truncation. Only a
 * holder of the signing key (the operator's CLI) can do this: a superuser who removes the
 * tail in SQL cannot make it look like a restore. Refused when the restored chain is itself
 * broken (an edited event is never covered by an epoch). `reason` is a code (e.g. `restore`).
 */
export async function startAuditEpoch(
  deps: CheckpointDeps,
  acting: Acting,
  input: { reason: string },
): Promise<EpochPayload> {
  const { reason } = input;
  const keys = auditKeysFromConfig(deps.config);
  const { files } = readSignedFiles(deps.config.auditCheckpointDir, keys);
  const state = currentState(files.map((f) => f.payload));
  // A restored chain that reaches the signed switch must have it there: a chain downgraded to
  // plain SHA-256 (switch removed, links recomputed) is not a restore.
  const signedSwitch = state.last?.keyedFromSeq ?? null;
  const [headBefore, switchBefore] = [await auditHead(deps.db), await findSwitch(deps.db)];
  if (signedSwitch !== null && (headBefore?.seq ?? 0) >= signedSwitch && switchBefore?.seq !== signedSwitch) {
    throw auditError('keyed_switch_moved', { seq: signedSwitch });
  }
  await sealAudit(deps);
  const before = await verifyAuditChain(deps, { internalOnly: true });
  if (before.firstBroken) {
    throw auditError('restored_chain_broken', { seq: before.firstBroken.seq });
  }
  const epoch = state.epoch + 1;
  const previous = state.last ? { epoch: state.last.epoch, seq: state.last.seq, hash: state.last.hash } : null;
  await recordAudit(deps.db, acting, {
    action: EPOCH_ACTION,
    recordType: 'audit_chain',
    reasonCode: reason,
    data: { epoch, restoredHeadSeq: before.headSeq ?? 0, previousSignedSeq: previous?.seq ?? null },
  });
  await sealAudit(deps);
  const { rows } = await deps.db.raw(
    `SELECT c.seq, c.hash FROM audit_chain c JOIN audit_events e ON e.id = c.event_id
      WHERE e.action = ? AND e.data->>'epoch' = ? ORDER BY c.seq DESC LIMIT 1`,
    [EPOCH_ACTION, String(epoch)],
  );
  const payload: EpochPayload = {
    type: 'epoch',
    epoch,
    reason,
    seq: Number(rows[0].seq),
    hash: rows[0].hash,
    keyedFromSeq: before.keyedFromSeq,
    previous,
    signedAt: acting.now.toISOString(),
  };
  writeSignedFile(deps.config.auditCheckpointDir, keys, payload);
  await writeAuditCheckpoint(deps, { force: true, now: acting.now });
  return payload;
}
