import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { Deps } from '../shared/deps.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';

export const TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  zip: 'application/zip',
} as const;
export type FileFormat = keyof typeof TYPES;

export interface ExportAudit {
  action: string;
  recordType: string;
  recordId: string;
  /** Ids, codes, dates and counts only. */
  data: Record<string, unknown>;
}

/**
 * Streams a file to the response through a SHA-256, then records the export in the audit
 * log with the hash and size of the bytes sent (and whether the client received them all).
 * Nothing is held in memory beyond the stream's buffers.
 */
export async function streamDownload(
  deps: Deps,
  res: Response,
  acting: Acting,
  file: { format: FileFormat; filename: string; body: Readable },
  audit: ExportAudit,
): Promise<void> {
  res.status(200).type(TYPES[file.format]).setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  let completed = true;
  try {
    await pipeline(file.body, tap, res);
  } catch (e) {
    completed = false;
    deps.log.warn(
      { err: { code: (e as NodeJS.ErrnoException).code }, action: audit.action },
      'export stream interrupted',
    );
    if (!res.headersSent) throw e;
    res.destroy();
  } finally {
    if (completed || bytes > 0)
      await recordAudit(deps.db, acting, {
        action: audit.action,
        recordType: audit.recordType,
        recordId: audit.recordId,
        data: { ...audit.data, format: file.format, sha256: hash.digest('hex'), bytes, completed },
      });
  }
}

/** Sends a file built in memory (PDF), audited the same way. */
export async function sendBuffer(
  deps: Deps,
  res: Response,
  acting: Acting,
  file: { format: FileFormat; filename: string; bytes: Uint8Array },
  audit: ExportAudit,
): Promise<void> {
  await streamDownload(
    deps,
    res,
    acting,
    { format: file.format, filename: file.filename, body: Readable.from([Buffer.from(file.bytes)]) },
    audit,
  );
}
