import type { Knex } from 'knex';
import { sha256Hex, type Keyring } from '../shared/crypto.js';
import { storeSealedFile } from '../shared/files.js';
import { paymentsError } from './errors.js';
import type { Settings } from '../settings/index.js';
import { batchFileData } from './file-data.js';
import { batchSepaFile } from './documents.js';
import { sepaBlankFields, sepaXml } from './sepa.js';
import type { BatchRow } from './repo.js';
import { setBatchSepaFile } from './lifecycle-repo.js';
import { fileFacts, sealedFileRow } from './documents-repo.js';

/**
 * The bank file of a batch is frozen: built once, stored encrypted, then only read.
 * - `freezeBankFile` builds it (from the export snapshots and the settings of that moment),
 *   refuses with 409 `sepa_field_empty`, naming the payees, when a required text would be
 *   empty in the SEPA character set (nothing is written: the caller's transaction rolls back),
 *   and stores it in `files` (purpose `payment_file`) encrypted with the keyring;
 * - `bankFileBytes` returns those exact bytes (checked against their SHA-256), or answers
 *   410 `payment_file_erased` with the SHA-256 once the retention lifecycle erased the content
 *   (registry kind `files:payment_file`, at the anonymisation of one of its people).
 * Every SEPA download goes through `bankFileBytes`; no other code writes a SEPA file.
 */
export async function freezeBankFile(
  trx: Knex.Transaction,
  keyring: Keyring,
  batch: BatchRow,
  settings: Settings,
  createdBy: string | null,
): Promise<{ id: string; sha256: string }> {
  if (batch.sepa_file_id) throw new Error(`batch ${batch.id} already has its bank file`);
  const payments = await batchFileData(trx, keyring, batch, settings.timeZone);
  const file = batchSepaFile(batch, settings, payments);
  const blank = sepaBlankFields(file);
  if (blank.length) {
    const payees = [...new Set(blank.filter((b) => b.transfer !== null).map((b) => b.transfer!))].map(
      (i) => payments[i],
    );
    const whole = blank.filter((b) => b.transfer === null);
    const who = payees.map((p) => `n° ${p.position} « ${p.name || 'sans nom'} »`).join(', ');
    const details = [
      ...payees.map((p) => ({
        field: `payments.${p.position - 1}.payeeName`,
        message: `« ${p.name || 'sans nom'} » : aucun caractère de l’alphabet latin utilisable dans un virement SEPA`,
      })),
      ...whole.map((b) => ({
        field: `settings.${b.field === 'initiatorName' ? 'name' : b.field}`,
        message: 'aucun caractère de l’alphabet latin utilisable dans un virement SEPA',
      })),
    ];
    throw payees.length
      ? paymentsError('sepa_payee_name_empty', { who }, details)
      : paymentsError('sepa_field_empty', details);
  }
  const xml = sepaXml(file);
  const bytes = Buffer.from(xml, 'utf8');
  const sha256 = sha256Hex(bytes);
  const sealed = keyring.encrypt(xml);
  const row = await storeSealedFile(trx, {
    sha256,
    mediaType: 'application/xml',
    sizeBytes: bytes.length,
    ciphertext: Buffer.from(sealed.ciphertext, 'base64'),
    keyId: sealed.keyId,
    name: `virements-${batch.reference}.xml`,
    purpose: 'payment_file',
    createdBy,
  });
  await setBatchSepaFile(trx, batch.id, row.id);
  return { id: row.id, sha256 };
}

/** The frozen bank file of a batch: its exact bytes, or 410 with its SHA-256 when retention erased it; null when none was frozen. */
export async function bankFileBytes(
  trx: Knex.Transaction | Knex,
  keyring: Keyring,
  batch: BatchRow,
): Promise<{ bytes: Buffer; sha256: string } | null> {
  if (!batch.sepa_file_id) return null;
  const row = await sealedFileRow(trx, batch.sepa_file_id, 'payment_file');
  if (!row) throw new Error(`the bank file of batch ${batch.id} is missing`);
  if (!row.content) {
    throw paymentsError('payment_file_erased', { sha256: row.sha256 }, [{ field: 'sha256', message: row.sha256 }]);
  }
  const bytes = Buffer.from(keyring.decrypt((row.content as Buffer).toString('base64'), row.key_id), 'utf8');
  if (sha256Hex(bytes) !== row.sha256) throw new Error(`the bank file of batch ${batch.id} does not match its SHA-256`);
  return { bytes, sha256: row.sha256 };
}

/** The SHA-256 of a batch's frozen bank file and whether its content is still held (for the batch page). */
export async function bankFileFacts(
  db: Knex,
  batch: { sepa_file_id: string | null },
): Promise<{ sha256: string; erased: boolean } | null> {
  if (!batch.sepa_file_id) return null;
  const row = await fileFacts(db, batch.sepa_file_id);
  return row ? { sha256: row.sha256, erased: !!row.erased_at } : null;
}
