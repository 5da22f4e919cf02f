import type { Deps } from '../shared/deps.js';
import { mailFolderOutboxIds, removeMailFiles } from '../shared/mail-folder.js';
import { erasedMessageIdsOfOutbox, erasedMessageIdsOfParticipants } from './repo.js';

/**
 * Files the product writes outside the database are copies of rows and follow the retention
 * of the rows they copy. Each sweep below deletes the files of people whose data the
 * lifecycle has erased (archived or anonymised); erasure and every retention run call them,
 * so a new kind of file joins by adding one sweep here (and a line in docs/personal-data.md).
 */
export interface FileSweepScope {
  /** Only these participants (an erasure, a retention batch); absent: every file on disk. */
  participantIds?: string[];
  /** Count the files that would go, delete nothing. */
  dryRun?: boolean;
}

export interface ProductFileSweep {
  /** Key of the count in results and audit events. */
  name: string;
  /** Deletes (or counts) the files of erased people in scope; returns how many. */
  sweep(deps: Deps, scope: FileSweepScope): Promise<number>;
}

const CHUNK = 1000;

/**
 * The mail folder (MAIL_DIR, the embedded default without SMTP): one .eml per outbox message,
 * holding the recipient's name, address and the body. Outbox bodies and recipients are
 * erased when their person is archived (retention `active`), so are the files.
 */
export const mailFolderSweep: ProductFileSweep = {
  name: 'mail_files',
  async sweep(deps, scope) {
    const mailDir = deps.config.mailDir;
    const messageIds: string[] = [];
    if (scope.participantIds) {
      if (!scope.participantIds.length) return 0;
      messageIds.push(...(await erasedMessageIdsOfParticipants(deps.db, scope.participantIds)));
    } else {
      const onDisk = mailFolderOutboxIds(mailDir);
      for (let i = 0; i < onDisk.length; i += CHUNK) {
        messageIds.push(...(await erasedMessageIdsOfOutbox(deps.db, onDisk.slice(i, i + CHUNK))));
      }
    }
    if (scope.dryRun) return countExisting(mailDir, messageIds);
    return removeMailFiles(mailDir, messageIds);
  },
};

function countExisting(mailDir: string, messageIds: string[]): number {
  const onDisk = new Set(mailFolderOutboxIds(mailDir));
  return messageIds.filter((m) => onDisk.has(/^<([^@>]+)@/.exec(m)?.[1] ?? '')).length;
}

/** Every sweep of files the product writes. */
export const PRODUCT_FILE_SWEEPS: ProductFileSweep[] = [mailFolderSweep];

/** Runs every sweep on the scope; returns the count per sweep (only non-zero ones). */
export async function sweepProductFiles(deps: Deps, scope: FileSweepScope = {}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const s of PRODUCT_FILE_SWEEPS) {
    const n = await s.sweep(deps, scope);
    if (n > 0) counts[s.name] = n;
  }
  return counts;
}
