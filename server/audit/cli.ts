import fs from 'node:fs';
import type { Deps } from '../shared/deps.js';
import type { Acting } from '../shared/acting.js';
import { sealAudit } from './seal.js';
import { verifyAuditChain } from './verify.js';
import { writeAuditCheckpoint } from './write-checkpoint.js';
import { startAuditEpoch } from './epoch.js';

type Out = (line: string) => void;
type CliDeps = Pick<Deps, 'db' | 'config' | 'now'>;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * `audit-verify [--checkpoint file.json]`: seals pending events, verifies the whole chain
 * against the audit key and the signed checkpoints (the folder's, plus the file given, e.g.
 * the copy the DPO downloaded), then signs a checkpoint of the verified head. Exit code 0 when
 * intact, 3 when not; ids, seqs and hashes only.
 */
export async function auditVerifyCommand(deps: CliDeps, args: string[], say: Out): Promise<number> {
  const file = option(args, 'checkpoint');
  if (args.includes('--checkpoint') && (!file || !fs.existsSync(file)))
    throw new Error('--checkpoint must name an existing signed checkpoint file');
  const sealed = await sealAudit(deps);
  const report = await verifyAuditChain(deps, { extraSigned: file ? [fs.readFileSync(file, 'utf8')] : [] });
  say(
    `Sealed ${sealed} pending event(s); checked ${report.checked} link(s); keyed (HMAC) from link #${report.keyedFromSeq ?? '—'}; epoch ${report.epoch}.`,
  );
  if (report.lastSigned)
    say(
      `Last signed ${report.lastSigned.type}: link #${report.lastSigned.seq} ${report.lastSigned.hash} (${report.lastSigned.signedAt}).`,
    );
  else say('No signed checkpoint yet: truncation cannot be checked before the first one.');
  if (!report.ok) {
    if (report.firstBroken)
      say(
        `AUDIT CHAIN BROKEN at link #${report.firstBroken.seq} (event ${report.firstBroken.eventId}): ${report.firstBroken.reason}`,
      );
    if (report.checkpointProblem) say(`AUDIT CHAIN BROKEN: ${report.checkpointProblem}`);
    return 3;
  }
  const { written } = await writeAuditCheckpoint(deps, { force: true });
  say(
    `Audit chain intact. Head: #${report.headSeq ?? 0} ${report.headHash ?? '(empty)'}${written ? ' (checkpoint signed)' : ''}`,
  );
  return 0;
}

/**
 * `audit-epoch --reason restore`: after restoring a backup, opens a new epoch (see epoch.ts),
 * audited as `acting` (the operator's command: the platform, request id `cli`).
 */
export async function auditEpochCommand(deps: CliDeps, acting: Acting, args: string[], say: Out): Promise<number> {
  const reason = option(args, 'reason') ?? 'restore';
  if (!/^[a-z_]{1,40}$/.test(reason))
    throw new Error('--reason must be a code (lower-case letters and _), e.g. restore');
  const epoch = await startAuditEpoch(deps, acting, { reason });
  say(`Epoch ${epoch.epoch} started at link #${epoch.seq} (${reason}).`);
  if (epoch.previous)
    say(
      `Last signed checkpoint before it: epoch ${epoch.previous.epoch}, link #${epoch.previous.seq}; links after the backup point up to it are lost with the restore.`,
    );
  return 0;
}
