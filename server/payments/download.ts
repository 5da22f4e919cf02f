import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { auditArchivedInExport } from '../privacy/index.js';
import { batchParticipantIdsSql, getBatch } from './repo.js';
import { batchFileData } from './file-data.js';
import { accountingCsv, accountingXlsx, batchSlip } from './documents.js';
import { bankFileBytes, freezeBankFile } from './bank-file.js';
import { sha256Hex } from '../shared/crypto.js';
import { BATCH_STATUS_LABELS } from './schemas.js';
import { paymentsError } from './errors.js';

export type BatchFileKind = 'sepa' | 'csv' | 'xlsx' | 'slip';

const TYPES: Record<BatchFileKind, { type: string; ext: string }> = {
  sepa: { type: 'application/xml', ext: 'xml' },
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv' },
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
  slip: { type: 'application/pdf', ext: 'pdf' },
};

/**
 * A file of an exported (or paid) batch — restricted export: it carries names and IBANs.
 * The download is audited with the SHA-256 of the exact bytes, in the same transaction, so
 * no file leaves without its trace. A voided batch has no files: they must not be sent.
 * The SEPA file is the frozen one (`bankFileBytes`): the same bytes at every download,
 * whatever the settings or payees say since; 410 once retention erased it. A batch exported
 * before files were frozen (or in accounting-export mode) gets its file frozen at its first
 * SEPA download.
 */
export async function downloadBatchFile(
  deps: Deps,
  acting: Acting,
  batchId: string,
  kind: BatchFileKind,
): Promise<{ bytes: Buffer; type: string; filename: string }> {
  const settings = await acting.settings();
  return inTransaction(deps.db, async (trx) => {
    const batch = await getBatch(trx, batchId, kind === 'sepa');
    if (!batch) throw notFound('Lot de paiement');
    if (batch.status !== 'exported' && batch.status !== 'paid') {
      throw paymentsError(batch.status === 'open' ? 'batch_open_no_files' : 'batch_cancelled_no_files');
    }
    if (kind === 'sepa' && (batch.kind !== 'transfer' || (!batch.sepa_file_id && !settings.debtor.iban))) {
      throw paymentsError(batch.kind !== 'transfer' ? 'cash_batch_no_sepa' : 'sepa_not_available');
    }
    let bytes: Buffer;
    if (kind === 'sepa') {
      if (!batch.sepa_file_id)
        batch.sepa_file_id = (await freezeBankFile(trx, deps.keyring, batch, settings, acting.actor.userId)).id;
      bytes = (await bankFileBytes(trx, deps.keyring, batch))!.bytes;
    } else {
      const payments = await batchFileData(trx, deps.keyring, batch, settings.timeZone);
      bytes =
        kind === 'csv'
          ? Buffer.from(accountingCsv(batch, settings, payments), 'utf8')
          : kind === 'xlsx'
            ? await accountingXlsx(batch, settings, payments)
            : Buffer.from(await batchSlip(batch, settings, payments, (s) => BATCH_STATUS_LABELS[s]));
    }
    const sha256 = sha256Hex(bytes);
    await recordAudit(trx, acting, {
      action: 'payment_batch.file_downloaded',
      recordType: 'payment_batch',
      recordId: batchId,
      data: { file: kind, sha256, bytes: bytes.length },
    });
    await auditArchivedInExport(
      trx,
      acting,
      { recordType: 'payment_batch', recordId: batchId, via: `batch file ${kind}` },
      batchParticipantIdsSql(batchId),
    );
    const name =
      kind === 'slip'
        ? `bordereau-${batch.reference}`
        : kind === 'sepa'
          ? `virements-${batch.reference}`
          : `export-comptable-${batch.reference}`;
    return { bytes, type: TYPES[kind].type, filename: `${name}.${TYPES[kind].ext}` };
  });
}
