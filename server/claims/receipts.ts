import type { Deps } from '../shared/deps.js';
import { notFound, validationError } from '../shared/errors.js';
import { storeDocument, readFileContent } from '../shared/files.js';
import { inTransaction, type Db } from '../shared/db.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import {
  getClaim,
  insertReceipt,
  isLineOfClaim,
  linesBackedBy,
  linkLineToReceipt,
  receiptFileId,
  recordHand,
} from './repo.js';
import { recomputeClaim } from './compute.js';
import { claimsError } from './errors.js';

/**
 * Attaches a receipt (PDF, JPEG or PNG by its content, 10 MB at most) to a draft or submitted
 * claim, with the amount written on it; optionally links a line to it. When the same content
 * already backs lines of any claim, the line is flagged `reused_receipt` (links on the page);
 * the reviewer acknowledges it and the total granted against it never exceeds its amount.
 */
export async function attachReceipt(
  deps: Deps,
  acting: Acting,
  input: {
    claimId: string;
    file: { buffer: Buffer; originalname?: string } | undefined;
    amountCents: number;
    lineId?: string;
  },
) {
  const { claimId, file, amountCents, lineId } = input;
  const { actor, now } = acting;
  await acting.settings(); // before the transaction: the computation reads them
  return inTransaction(deps.db, async (trx) => {
    const claim = await getClaim(trx, claimId, true);
    if (!claim) throw notFound('Demande');
    if (!['draft', 'submitted'].includes(claim.status)) throw claimsError('receipts_frozen');
    if (lineId && !(await isLineOfClaim(trx, claimId, lineId)))
      throw validationError([{ field: 'lineId', message: 'ligne inconnue pour cette demande' }]);
    const stored = await storeDocument(trx, file, {
      field: 'file',
      purpose: 'receipt',
      createdBy: actor.userId,
      required: true,
    });
    const receiptId = await insertReceipt(trx, {
      claim_id: claimId,
      file_id: stored!.id,
      amount_cents: amountCents,
      created_by: actor.userId,
    });
    await recordHand(trx, claimId, actor.userId, 'receipt_added', now);
    const reusedBy = await linesBackedBy(trx, stored!.sha256);
    if (lineId) await linkLineToReceipt(trx, lineId, receiptId);
    await recomputeClaim(trx, acting, claimId);
    await recordAudit(trx, acting, {
      action: 'claim.receipt_added',
      recordType: 'claim',
      recordId: claimId,
      data: { receiptId, fileId: stored!.id, reused: reusedBy.length > 0 },
    });
    return {
      receiptId,
      reusedBy: reusedBy.map((u) => ({ claimId: u.claim_id, reference: u.reference, lineId: u.line_id })),
    };
  });
}

/** The file of a receipt of this claim (for previews), or 404. */
export async function receiptFile(db: Db, claimId: string, receiptId: string) {
  const fileId = await receiptFileId(db, claimId, receiptId);
  const file = fileId ? await readFileContent(db, fileId) : null;
  if (!file) throw notFound('Justificatif');
  return file;
}
