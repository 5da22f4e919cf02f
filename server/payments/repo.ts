import type { Db } from '../shared/db.js';
import { paginate, type ListParams } from '../shared/pagination.js';
import { releaseFromBatch } from '../claims/index.js';

export interface BatchRow {
  id: string;
  reference: string;
  status: 'open' | 'exported' | 'paid' | 'cancelled' | 'voided';
  kind: 'transfer' | 'cash';
  file_format: string | null;
  created_by: string | null;
  exported_at: Date | null;
  exported_by: string | null;
  paid_at: Date | null;
  cancelled_at: Date | null;
  voided_at: Date | null;
  void_reason: string | null;
  total_cents: string | number;
  payment_count: number;
  /** The frozen SEPA file (`files`, purpose `payment_file`), set at export. */
  sepa_file_id: string | null;
  /** Why finance paid the organisation's own account in this batch (override of `own_iban_requires_override`). */
  own_iban_override_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface PaymentRow {
  id: string;
  batch_id: string;
  position: number;
  participant_id: string;
  payee_id: string | null;
  payee_name_snapshot: string | null;
  iban_ciphertext_snapshot: string | null;
  iban_key_id_snapshot: string | null;
  bic_snapshot: string | null;
  amount_cents: string | number;
  end_to_end_id: string;
  status: 'pending' | 'paid' | 'rejected';
  rejected_reason_code: string | null;
  rejected_at: Date | null;
  paid_at: Date | null;
}

/** A claim as the batch builder sees it: payable amount, who decided it, and its payee's bank details. */
export interface PayableClaimRow {
  id: string;
  reference: string;
  status: string;
  participant_id: string;
  payee_id: string | null;
  decided_by: string | null;
  amount_to_pay_cents: number | null;
  has_iban: boolean;
}

export const PAYABLE = ['approved', 'partially_approved'];

const payableColumns = `c.id, c.reference, c.status, c.participant_id, c.payee_id, c.decided_by, c.amount_to_pay_cents,
  EXISTS (SELECT 1 FROM payees py WHERE py.id = c.payee_id AND py.active AND py.iban_ciphertext IS NOT NULL) AS has_iban`;

/** The given claims, locked in id order (concurrent builders wait, then see the new status). */
export async function lockClaimsById(trx: Db, ids: string[]): Promise<PayableClaimRow[]> {
  const { rows } = await trx.raw(
    `SELECT ${payableColumns} FROM claims c WHERE c.id = ANY(?::uuid[]) ORDER BY c.id FOR UPDATE OF c`,
    [ids],
  );
  return rows;
}

export interface ClaimFilters {
  projectId?: string;
  sessionId?: string;
  decidedBefore?: Date;
  advancesOnly?: boolean;
  /** Leave out the claims this user decided (separation of duties); null when the setting is off. */
  notDecidedBy: string | null;
  withIban: boolean;
}

const HAS_IBAN =
  'EXISTS (SELECT 1 FROM payees py WHERE py.id = c.payee_id AND py.active AND py.iban_ciphertext IS NOT NULL)';

/** The filters as SQL over `claims c`: payable claims of the project, session, decision date, advances. */
function filterSql(f: ClaimFilters): { where: string[]; args: (string | Date)[] } {
  const where: string[] = ["c.status IN ('approved', 'partially_approved')", 'c.amount_to_pay_cents > 0'];
  const args: (string | Date)[] = [];
  if (f.projectId) {
    where.push('c.project_id = ?');
    args.push(f.projectId);
  }
  if (f.sessionId) {
    where.push('EXISTS (SELECT 1 FROM claim_sessions cs WHERE cs.claim_id = c.id AND cs.session_id = ?)');
    args.push(f.sessionId);
  }
  if (f.decidedBefore) {
    where.push('c.decided_at < ?');
    args.push(f.decidedBefore);
  }
  if (f.advancesOnly) where.push('c.is_advance');
  return { where, args };
}

/** Payable claims matching the filters; rows another builder holds are skipped, not waited for. */
export async function lockPayableClaims(trx: Db, f: ClaimFilters, limit = 5000): Promise<PayableClaimRow[]> {
  const { where, args } = filterSql(f);
  if (f.notDecidedBy) where.push('c.decided_by IS DISTINCT FROM ?::uuid');
  where.push(`${f.withIban ? '' : 'NOT '}${HAS_IBAN}`);
  const { rows } = await trx.raw(
    `SELECT ${payableColumns} FROM claims c WHERE ${where.join(' AND ')} ORDER BY c.created_at, c.id LIMIT ${limit} FOR UPDATE OF c SKIP LOCKED`,
    [...args, ...(f.notDecidedBy ? [f.notDecidedBy] : [])],
  );
  return rows;
}

/** How many payable claims the filters leave out because the actor decided them or the bank details do not fit the batch kind. */
export async function countSkipped(trx: Db, f: ClaimFilters): Promise<{ decidedByYou: number; otherKind: number }> {
  const { where, args } = filterSql(f);
  if (!f.notDecidedBy) {
    const { rows } = await trx.raw(
      `SELECT count(*) FILTER (WHERE ${f.withIban ? 'NOT ' : ''}${HAS_IBAN}) AS other FROM claims c WHERE ${where.join(' AND ')}`,
      args,
    );
    return { decidedByYou: 0, otherKind: Number(rows[0].other) };
  }
  const { rows } = await trx.raw(
    `SELECT count(*) FILTER (WHERE c.decided_by = ?::uuid) AS mine,
            count(*) FILTER (WHERE c.decided_by IS DISTINCT FROM ?::uuid AND ${f.withIban ? 'NOT ' : ''}${HAS_IBAN}) AS other
       FROM claims c WHERE ${where.join(' AND ')}`,
    [f.notDecidedBy, f.notDecidedBy, ...args],
  );
  return { decidedByYou: Number(rows[0].mine), otherKind: Number(rows[0].other) };
}

export async function getBatch(trx: Db, id: string, lock = false): Promise<BatchRow | undefined> {
  const q = trx('payment_batches').where({ id }).first();
  return lock ? q.forUpdate() : q;
}

/** A page of batches (of one status, if given), newest first unless the params sort otherwise. */
export async function batchesPage(db: Db, params: ListParams & { status?: BatchRow['status'] }) {
  const q = db('payment_batches').select('*');
  if (params.status) q.where({ status: params.status });
  return paginate<BatchRow & Record<string, unknown>>(q, params, {
    columns: { createdAt: 'created_at', reference: 'reference' },
    default: '-createdAt',
  });
}

export async function batchPayments(trx: Db, batchId: string): Promise<PaymentRow[]> {
  return trx('payments').where({ batch_id: batchId }).orderBy('position');
}

/** One page of a batch's payments in position order, after a position (keyset on the batch's (batch_id, position) key). */
export async function batchPaymentsAfter(
  trx: Db,
  batchId: string,
  afterPosition: number,
  limit: number,
): Promise<PaymentRow[]> {
  return trx('payments')
    .where({ batch_id: batchId })
    .where('position', '>', afterPosition)
    .orderBy('position')
    .limit(limit);
}

/** One payment of a batch, or undefined. */
export async function batchPayment(trx: Db, batchId: string, paymentId: string): Promise<PaymentRow | undefined> {
  return trx('payments').where({ batch_id: batchId, id: paymentId }).first();
}

export interface BatchClaimRow {
  batch_id: string;
  claim_id: string;
  payment_id: string;
  amount_cents: string | number;
  voided: boolean;
  reference: string;
  participant_id: string;
  is_advance: boolean;
}

export async function batchClaims(trx: Db, batchId: string): Promise<BatchClaimRow[]> {
  return trx('batch_claims as bc')
    .join('claims as c', 'c.id', 'bc.claim_id')
    .where('bc.batch_id', batchId)
    .orderBy('c.reference')
    .select('bc.*', 'c.reference', 'c.participant_id', 'c.is_advance');
}

/** The claims of some payments (a page of a batch), by reference. */
export async function paymentsClaims(trx: Db, paymentIds: string[]): Promise<BatchClaimRow[]> {
  if (!paymentIds.length) return [];
  return trx('batch_claims as bc')
    .join('claims as c', 'c.id', 'bc.claim_id')
    .whereIn('bc.payment_id', paymentIds)
    .orderBy('c.reference')
    .select('bc.*', 'c.reference', 'c.participant_id', 'c.is_advance');
}

/** Payee names and masked IBANs as they are now (for an open batch, before the export snapshot). */
export async function livePayees(
  trx: Db,
  payeeIds: string[],
): Promise<Map<string, { name: string | null; iban_masked: string | null }>> {
  const rows = await trx('payees').whereIn('id', payeeIds).select('id', 'name', 'iban_masked');
  return new Map(rows.map((r) => [r.id as string, r]));
}

export async function participantNames(
  trx: Db,
  ids: string[],
): Promise<Map<string, { name: string; reference: string }>> {
  const rows = await trx('participants').whereIn('id', ids).select('id', 'first_name', 'last_name', 'reference');
  return new Map(
    rows.map((r) => [
      r.id as string,
      { name: [r.first_name, r.last_name].filter(Boolean).join(' '), reference: r.reference as string },
    ]),
  );
}

/**
 * Claims back to their decided status (approved, or partially approved), optionally flagged,
 * through claims' lifecycle: what cancelling, voiding and a bank rejection do. Their batch rows
 * are voided in the same transaction, so the claims can go into a new batch.
 */
export async function releaseClaims(trx: Db, claimIds: string[], flag: string | null, now: Date): Promise<void> {
  if (claimIds.length === 0) return;
  await releaseFromBatch(trx, claimIds, flag, now);
  await voidBatchRows(trx, claimIds, now);
}

/** The claims' live batch rows are voided: they may go into a new batch. */
export async function voidBatchRows(trx: Db, claimIds: string[], now: Date): Promise<void> {
  if (claimIds.length === 0) return;
  await trx('batch_claims')
    .whereIn('claim_id', claimIds)
    .where({ voided: false })
    .update({ voided: true, voided_at: now });
}

/**
 * Payable claims for the batch builder page (those the actor did not decide, unless `actorId`
 * is null: separation of duties off), oldest first, with the payee's name and whether it has an IBAN.
 */
export async function payableClaimsForBuilder(
  db: Db,
  actorId: string | null,
  projectId: string | undefined,
  limit = 200,
) {
  const q = db('claims as c')
    .join('participants as pa', 'pa.id', 'c.participant_id')
    .join('projects as pr', 'pr.id', 'c.project_id')
    .leftJoin('payees as py', 'py.id', 'c.payee_id')
    .whereIn('c.status', PAYABLE)
    .where('c.amount_to_pay_cents', '>', 0)
    .orderBy([{ column: 'c.decided_at' }, { column: 'c.id' }])
    .limit(limit)
    .select(
      'c.id',
      'c.reference',
      'c.amount_to_pay_cents',
      'c.is_advance',
      'c.decided_at',
      'pr.name as project_name',
      'pa.first_name',
      'pa.last_name',
      'py.name as payee_name',
      db.raw('(py.active AND py.iban_ciphertext IS NOT NULL) IS TRUE AS has_iban'),
    );
  if (actorId) q.whereRaw('c.decided_by IS DISTINCT FROM ?::uuid', [actorId]);
  if (projectId) q.where('c.project_id', projectId);
  return q;
}

export async function projectsWithPayableClaims(db: Db): Promise<{ id: string; name: string }[]> {
  // One index probe per project (claims_project_status), never a pass over the payable claims.
  return db('projects as p')
    .whereExists(db('claims as c').whereRaw('c.project_id = p.id').whereIn('c.status', PAYABLE).select(db.raw('1')))
    .orderBy('name')
    .select('id', 'name');
}

/** Merging two records of one person: the source's payments follow its claims to the kept record (certificates, retention). */
export async function movePayments(db: Db, sourceId: string, keptId: string): Promise<number> {
  return db('payments').where({ participant_id: sourceId }).update({ participant_id: keptId });
}

/** Payment status of one claim, for the claim page: the live batch (or the last one) and its payment. */
export async function claimPaymentStatus(db: Db, claimId: string) {
  const row = await db('batch_claims as bc')
    .join('payment_batches as b', 'b.id', 'bc.batch_id')
    .join('payments as p', 'p.id', 'bc.payment_id')
    .where('bc.claim_id', claimId)
    .orderBy('b.created_at', 'desc')
    .first(
      'b.id as batchId',
      'b.reference as batchReference',
      'b.status as batchStatus',
      'p.status as paymentStatus',
      'p.paid_at as paidAt',
      'p.rejected_reason_code as rejectedReasonCode',
      'bc.voided',
    );
  return row ?? null;
}

export interface ClaimPaymentRow {
  id: string;
  reference: string;
  status: string;
  amount_granted_cents: number | null;
  amount_to_pay_cents: number | null;
  batch_id: string | null;
  batch_reference: string | null;
  payment_id: string | null;
  payment_status: string | null;
  paid_at: Date | null;
  voided: boolean | null;
}

/** A participant's claims (most recent first) with their latest batch and payment, if any. */
export async function participantClaimPayments(db: Db, participantId: string, limit = 200): Promise<ClaimPaymentRow[]> {
  const { rows } = await db.raw(
    `SELECT c.id, c.reference, c.status, c.amount_granted_cents, c.amount_to_pay_cents,
            lb.batch_id, lb.batch_reference, lb.payment_id, lb.payment_status, lb.paid_at, lb.voided
       FROM claims c
       LEFT JOIN LATERAL (
         SELECT b.id AS batch_id, b.reference AS batch_reference, p.id AS payment_id, p.status AS payment_status, p.paid_at, bc.voided
           FROM batch_claims bc JOIN payment_batches b ON b.id = bc.batch_id JOIN payments p ON p.id = bc.payment_id
          WHERE bc.claim_id = c.id ORDER BY b.created_at DESC LIMIT 1
       ) lb ON true
      WHERE c.participant_id = ? AND c.status <> 'draft'
      ORDER BY c.created_at DESC, c.id LIMIT ${limit}`,
    [participantId],
  );
  return rows;
}

/** Claims among these whose payee's IBAN has this keyed hash (the organisation's own account). */
export async function claimsPayingIban(
  trx: Db,
  claims: { id: string; payee_id: string | null; reference: string }[],
  ibanHash: string,
): Promise<string[]> {
  const payeeIds = [...new Set(claims.map((c) => c.payee_id).filter((x): x is string => !!x))];
  if (payeeIds.length === 0) return [];
  const own = new Set(await trx('payees').whereIn('id', payeeIds).where({ iban_hash: ibanHash }).pluck('id'));
  return claims
    .filter((c) => c.payee_id && own.has(c.payee_id))
    .map((c) => c.reference)
    .sort();
}

/** The people paid by a batch, as a subquery (for the archive door of batch exports). */
export function batchParticipantIdsSql(batchId: string): { sql: string; bindings: unknown[] } {
  return { sql: 'SELECT participant_id FROM payments WHERE batch_id = ?', bindings: [batchId] };
}
