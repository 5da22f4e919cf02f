import type { Deps } from '../shared/deps.js';
import { mailFolderOutboxIds, removeMailFiles } from '../shared/mail-folder.js';

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
    const erasedPeople = `SELECT o.message_id FROM outbox_messages o JOIN participants p ON p.id = o.participant_id WHERE p.status <> 'active'`;
    const messageIds: string[] = [];
    if (scope.participantIds) {
      if (!scope.participantIds.length) return 0;
      const { rows } = await deps.db.raw(`${erasedPeople} AND o.participant_id = ANY(?::uuid[])`, [
        scope.participantIds,
      ]);
      messageIds.push(...(rows as { message_id: string }[]).map((r) => r.message_id));
    } else {
      const onDisk = mailFolderOutboxIds(mailDir);
      for (let i = 0; i < onDisk.length; i += CHUNK) {
        const { rows } = await deps.db.raw(`${erasedPeople} AND o.id = ANY(?::uuid[])`, [onDisk.slice(i, i + CHUNK)]);
        messageIds.push(...(rows as { message_id: string }[]).map((r) => r.message_id));
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
