import type { Db } from '../shared/db.js';

// The reads behind the documents of payments: certificates, the batch files' claim details,
// the frozen bank file and the payment reference of a claim's evidence bundle.

/** A claim paid by a paid payment: what it paid and how much of its lines refund actual costs (category other than `allowances`). */
export interface PaidClaimRow {
  payment_id: string;
  paid_at: Date;
  reference: string;
  amount_cents: string;
  refund: string;
}

/** Which paid claims: of a person, a payment, some payments (a page of a batch), a batch, paid within [from, to). */
export interface PaidClaimsFilter {
  participantId?: string;
  paymentId?: string;
  paymentIds?: string[];
  batchId?: string;
  from?: Date;
  to?: Date;
}

/** Claims paid by paid payments (of a participant, a payment or a batch, paid in an instant range), by payment date then claim reference. */
export async function paidClaimRows(db: Db, where: PaidClaimsFilter): Promise<PaidClaimRow[]> {
  const q = db('payments as p')
    .join('batch_claims as bc', 'bc.payment_id', 'p.id')
    .join('claims as c', 'c.id', 'bc.claim_id')
    .where('p.status', 'paid')
    .orderBy([{ column: 'p.paid_at' }, { column: 'c.reference' }])
    .select(
      'p.id as payment_id',
      'p.paid_at',
      'c.reference',
      'bc.amount_cents',
      db.raw(
        "coalesce((SELECT sum(l.granted_cents) FROM claim_lines l WHERE l.claim_id = c.id AND l.category <> 'allowances'), 0)::bigint AS refund",
      ),
    );
  if (where.participantId) q.where('p.participant_id', where.participantId);
  if (where.paymentId) q.where('p.id', where.paymentId);
  if (where.paymentIds) q.whereIn('p.id', where.paymentIds);
  if (where.batchId) q.where('p.batch_id', where.batchId);
  if (where.from) q.where('p.paid_at', '>=', where.from);
  if (where.to) q.where('p.paid_at', '<', where.to);
  return (await q) as PaidClaimRow[];
}

/** The name and reference of a participant, for a certificate. */
export async function certificatePerson(
  db: Db,
  participantId: string,
): Promise<{ reference: string; first_name: string | null; last_name: string | null } | undefined> {
  return db('participants').where({ id: participantId }).first('reference', 'first_name', 'last_name');
}

/** A payment as its certificate names it: status, date, end-to-end id, batch reference and the person paid. */
export interface CertificatePaymentRow {
  status: 'pending' | 'paid' | 'rejected';
  paid_at: Date;
  end_to_end_id: string;
  batch_reference: string;
  reference: string;
  first_name: string | null;
  last_name: string | null;
}

export async function certificatePayment(db: Db, paymentId: string): Promise<CertificatePaymentRow | undefined> {
  return db('payments as p')
    .join('payment_batches as b', 'b.id', 'p.batch_id')
    .join('participants as pa', 'pa.id', 'p.participant_id')
    .where('p.id', paymentId)
    .first(
      'p.status',
      'p.paid_at',
      'p.end_to_end_id',
      'b.reference as batch_reference',
      'pa.reference',
      'pa.first_name',
      'pa.last_name',
    );
}

/** The start of each session of these claims, in time order. */
export async function claimSessionStarts(db: Db, claimIds: string[]): Promise<{ claim_id: string; starts_at: Date }[]> {
  return db('claim_sessions as cs')
    .join('sessions as s', 's.id', 'cs.session_id')
    .whereIn('cs.claim_id', claimIds)
    .orderBy('s.starts_at')
    .select('cs.claim_id', 's.starts_at');
}

/** The amount granted per claim and cost category of these claims' lines. */
export async function grantedByCategory(
  db: Db,
  claimIds: string[],
): Promise<{ claim_id: string; category: string; granted: string }[]> {
  return db('claim_lines')
    .whereIn('claim_id', claimIds)
    .groupBy('claim_id', 'category')
    .select('claim_id', 'category', db.raw('coalesce(sum(granted_cents), 0)::bigint AS granted'));
}

/** One row per receipt of these claims, in the order they were attached. */
export async function claimReceiptRows(db: Db, claimIds: string[]): Promise<{ claim_id: string }[]> {
  return db('claim_receipts').whereIn('claim_id', claimIds).orderBy(['created_at', 'id']).select('claim_id');
}

/**
 * A stored file of this purpose (the frozen bank file: `payment_file`, named by bank-file.ts alone):
 * its SHA-256, encrypted content (null once erased) and key id.
 */
export async function sealedFileRow(
  db: Db,
  fileId: string,
  purpose: string,
): Promise<{ sha256: string; content: Buffer | null; key_id: string; erased_at: Date | null } | undefined> {
  return db('files').where({ id: fileId, purpose }).first('sha256', 'content', 'key_id', 'erased_at');
}

/** The SHA-256 of a stored file and when its content was erased, if it was. */
export async function fileFacts(
  db: Db,
  fileId: string,
): Promise<{ sha256: string; erased_at: Date | null } | undefined> {
  return db('files').where({ id: fileId }).first('sha256', 'erased_at');
}

/** A batch a claim went into, with its payment, as the claim's evidence bundle tells it. */
export interface ClaimPaymentHistoryRow {
  reference: string;
  batch_status: 'open' | 'exported' | 'paid' | 'cancelled' | 'voided';
  exported_at: Date | null;
  voided_at: Date | null;
  end_to_end_id: string;
  status: string;
  paid_at: Date | null;
  rejected_reason_code: string | null;
  rejected_at: Date | null;
  amount_cents: string | number;
}

/** The exported (or paid, or voided after export) batches a claim went into, oldest first, with its payment in each. */
export async function claimPaymentHistory(db: Db, claimId: string): Promise<ClaimPaymentHistoryRow[]> {
  return db('batch_claims as bc')
    .join('payment_batches as b', 'b.id', 'bc.batch_id')
    .join('payments as p', 'p.id', 'bc.payment_id')
    .where('bc.claim_id', claimId)
    .whereIn('b.status', ['exported', 'paid', 'voided'])
    .orderBy('b.created_at')
    .select(
      'b.reference',
      'b.status as batch_status',
      'b.exported_at',
      'b.voided_at',
      'p.end_to_end_id',
      'p.status',
      'p.paid_at',
      'p.rejected_reason_code',
      'p.rejected_at',
      'bc.amount_cents',
    );
}
