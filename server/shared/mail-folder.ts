// The mail folder (MAIL_DIR, the embedded default without SMTP): one .eml file per outbox
// message, named from its Message-ID. The mailer (notifications) writes the files; the privacy
// lifecycle (privacy/product-files.ts) deletes those of erased people.
import fs from 'node:fs';
import path from 'node:path';

/**
 * The name of a message's .eml file in MAIL_DIR: its Message-ID (`<outbox id@host>`) made
 * safe for a file name. The privacy lifecycle finds a person's files by this name.
 */
export function mailFileName(messageId: string): string {
  return `${messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9@._-]/g, '_')}.eml`;
}

/** The outbox ids of the .eml files in MAIL_DIR (none when the folder does not exist). */
export function mailFolderOutboxIds(mailDir: string): string[] {
  if (!fs.existsSync(mailDir)) return [];
  return fs
    .readdirSync(mailDir)
    .map((f) => /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@.*\.eml$/.exec(f)?.[1])
    .filter((id): id is string => !!id);
}

/** Deletes the .eml files of these messages from MAIL_DIR; returns how many existed. */
export function removeMailFiles(mailDir: string, messageIds: string[]): number {
  let removed = 0;
  for (const id of messageIds) {
    try {
      fs.unlinkSync(path.join(mailDir, mailFileName(id)));
      removed++;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return removed;
}
