import fs from 'node:fs';
import path from 'node:path';
import type { Deps } from '../shared/deps.js';
import { auditKeysFromConfig } from './keys.js';
import { currentState, fileNameOf, readSignedFiles } from './checkpoints.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from './record.js';
import { sealAudit } from './seal.js';
import { writeAuditCheckpoint } from './write-checkpoint.js';

/**
 * The signed checkpoint file the DPO keeps outside the service: the head is sealed and signed
 * now (only over a chain that extends the last signed statement), and the download is audited.
 * Null when the chain cannot be signed over (truncated or rewritten): nothing is handed out.
 */
export async function downloadCheckpoint(
  deps: Deps,
  acting: Acting,
): Promise<{ filename: string; text: string } | null> {
  // Recent events, like the 5-second seal: the hourly sweep seals any event that committed late.
  await sealAudit(deps, 5000, 'recent');
  const { problem } = await writeAuditCheckpoint(deps, { force: true, now: acting.now });
  if (problem) return null;
  const keys = auditKeysFromConfig(deps.config);
  const { files } = readSignedFiles(deps.config.auditCheckpointDir, keys);
  const last = currentState(files.map((f) => f.payload)).last;
  if (!last) return null;
  const text = fs.readFileSync(path.join(deps.config.auditCheckpointDir, fileNameOf(last)), 'utf8');
  await recordAudit(deps.db, acting, {
    action: 'audit.checkpoint_downloaded',
    recordType: 'audit_chain',
    recordId: String(last.seq),
    data: { epoch: last.epoch, seq: last.seq },
  });
  return { filename: `point-de-controle-audit-${last.epoch}-${last.seq}.json`, text };
}
