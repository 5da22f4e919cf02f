import { once } from 'node:events';
import { PassThrough, Readable, pipeline } from 'node:stream';
import type { Deps } from '../shared/deps.js';
import { countStatementRows, evidenceFiles, fileContent, statementQuery, type GrantRow } from './repo.js';
import { PDF_MAX_ROWS, statementCsv, statementPdf, streamRows } from './statement.js';

const EXT: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);

/**
 * The evidence bundle of a period: the statement (CSV, and PDF up to its size limit) and
 * every supporting document behind its lines (invoices, claim receipts), named after the
 * expense or claim reference and the file's hash prefix as the statement quotes it. Streamed:
 * the CSV comes from a cursor, and each file is read from the database only when the archive
 * has written the previous one. archiver is loaded with the first bundle (cold start).
 */
export function evidenceZip(deps: Deps, grant: GrantRow, orgName: string, from: string, to: string): Readable {
  const out = new PassThrough();
  const base = `etat-${grant.reference}-${from}-${to}`;
  (async () => {
    const { ZipArchive } = await import('archiver');
    const zip = new ZipArchive({ zlib: { level: 6 } });
    // Either side failing or going away (client gone) destroys both.
    pipeline(zip, out, () => undefined);
    zip.append(Readable.from(statementCsv(streamRows(deps, (trx) => statementQuery(trx, grant.id, from, to)))), {
      name: `${base}.csv`,
    });
    await once(zip, 'entry');
    if ((await countStatementRows(deps.db, grant.id, from, to)) <= PDF_MAX_ROWS) {
      zip.append(
        Buffer.from(
          await statementPdf(
            streamRows(deps, (trx) => statementQuery(trx, grant.id, from, to)),
            { grant, orgName, from, to },
          ),
        ),
        { name: `${base}.pdf` },
      );
      await once(zip, 'entry');
    }
    for (const f of await evidenceFiles(deps.db, grant.id, from, to)) {
      const content = await fileContent(deps.db, f.id);
      if (!content) continue;
      const folder = f.kind === 'invoice' ? 'factures' : 'justificatifs';
      zip.append(content, {
        name: `${folder}/${safe(f.owner)}-${f.sha256.slice(0, 12)}.${EXT[f.media_type] ?? 'bin'}`,
      });
      await once(zip, 'entry');
    }
    await zip.finalize();
  })().catch((e) => out.destroy(e));
  return out;
}
