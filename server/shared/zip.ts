import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { toCsv } from './csv.js';

/** Adds one file to a streamed ZIP; resolves once the archive has taken it (one file in memory at a time). */
export type AddEntry = (name: string, content: Buffer | Uint8Array | string) => Promise<void>;

export interface ZipSummary {
  /** SHA-256 of the ZIP as sent, byte for byte (of the part sent, when not completed). */
  sha256: string;
  bytes: number;
  files: number;
  /** False when the download was cut off after some bytes had gone (client gone, a file failed). */
  completed: boolean;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Streams a ZIP to the response, never building it in memory: `produce` adds files one by
 * one (each awaited until the archive has compressed it), then a `manifest.csv` lists every
 * file with its size and SHA-256. The SHA-256 of the whole ZIP is computed from the bytes as
 * they go out. `audit` runs after the last byte was handed to the response but before the
 * response ends (`completed: true`): if it fails, the response is cut off (the client sees a
 * failed download), so no bundle leaves whole without its trace. A download cut off after some
 * bytes had gone (client gone, a file that failed) is audited too, with `completed: false` and
 * what was sent, since the files already sent may hold personal data: the same convention as
 * every other streamed export (server/grant-reports/send.ts). Nothing sent, nothing recorded.
 *
 * Checks that may refuse the download (404, 403, 409) must run before: once this is called the
 * status is 200.
 */
export async function streamZip(
  res: ServerResponse,
  filename: string,
  date: Date,
  produce: (add: AddEntry) => Promise<void>,
  audit: (summary: ZipSummary) => Promise<void>,
): Promise<void> {
  const { ZipArchive } = await import('archiver'); // loaded with the first ZIP, not at start-up
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const hash = createHash('sha256');
  let bytes = 0;
  const manifest: [string, number, string][] = [];
  let failure: Error | null = null;
  const failed = new Promise<never>((_, reject) => {
    archive.on('error', (e) => reject((failure ??= e)));
    archive.on('warning', (e) => reject((failure ??= e)));
    res.on('close', () => {
      if (!res.writableFinished) reject((failure ??= new Error('client_closed')));
    });
  });
  failed.catch(() => undefined);
  const finished = new Promise<void>((resolve) => archive.on('end', () => resolve()));

  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  // Once the hash is read (the end, or a failure), chunks the archive still flushes are dropped:
  // an aborted archive can emit data after the failure, and a finished hash cannot be updated.
  let digested = false;
  const digest = () => {
    digested = true;
    return hash.digest('hex');
  };
  archive.on('data', (chunk: Buffer) => {
    if (digested) return;
    hash.update(chunk);
    bytes += chunk.length;
    if (!res.write(chunk)) {
      archive.pause();
      res.once('drain', () => archive.resume());
    }
  });

  let audited = false;
  const add: AddEntry = async (name, content) => {
    if (failure) throw failure;
    const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    manifest.push([name, buffer.length, sha256(buffer)]);
    const taken = new Promise<void>((resolve) => archive.once('entry', () => resolve()));
    archive.append(buffer, { name, date });
    await Promise.race([taken, failed]);
  };

  try {
    await produce(add);
    await add(
      'manifest.csv',
      toCsv(
        ['Fichier', 'Octets', 'SHA-256'],
        manifest.map(([n, b, h]) => [n, String(b), h]),
      ),
    );
    await Promise.race([archive.finalize(), failed]);
    await Promise.race([finished, failed]);
    audited = true;
    await audit({ sha256: digest(), bytes, files: manifest.length, completed: true });
    res.end();
  } catch (e) {
    archive.abort();
    // Cut off after bytes had gone: recorded as such (the original error is what is thrown).
    if (!audited && bytes > 0)
      await audit({ sha256: digest(), bytes, files: manifest.length, completed: false }).catch(() => undefined);
    // Before the first byte, the error handler can still answer properly; after, cut the download.
    if (res.headersSent) res.destroy();
    else for (const h of ['Content-Disposition', 'Content-Type', 'Cache-Control']) res.removeHeader(h);
    throw e;
  }
}
