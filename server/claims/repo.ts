import type { Db } from '../shared/db.js';
import type { ClaimStatus } from './schemas.js';
import type { DecisionFacts, HandAction } from './policy.js';

export interface ClaimRow {
  id: string;
  reference: string;
  participant_id: string;
  participant_reference: string;
  payee_id: string | null;
  project_id: string;
  status: ClaimStatus;
  is_advance: boolean;
  advance_of_claim_id: string | null;
  departure_at: Date;
  return_at: Date;
  submitted_at: Date | null;
  decided_at: Date | null;
  decided_by: string | null;
  entered_by: string | null;
  cancelled_at: Date | null;
  flags: string[];
  late: boolean;
  amount_requested_cents: number;
  amount_eligible_cents: number;
  amount_granted_cents: number | null;
  amount_to_pay_cents: number | null;
  to_recover_cents: number;
  decision_reason_code: string | null;
  decision_note: string | null;
  override_reason: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface LineRow {
  id: string;
  seq: number;
  claim_id: string;
  position: number;
  kind: string;
  travel_date: string;
  category: string;
  input: Record<string, unknown>;
  requested_cents: number;
  eligible_cents: number;
  explanation: string;
  rule: string;
  flags: string[];
  granted_cents: number | null;
  reason_code: string | null;
  reason_note: string | null;
  prior_mileage_decikm: number | null;
  receipt_id: string | null;
  receipt_reuse_acknowledged: boolean;
}

export interface ReceiptRow {
  id: string;
  claim_id: string;
  file_id: string;
  amount_cents: number;
  sha256: string;
  media_type: string;
  original_name: string | null;
}

export interface ClaimSessionRow {
  id: string;
  project_id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  status: string;
  meal_provided: boolean;
}

export async function getClaim(db: Db, id: string, forUpdate = false): Promise<ClaimRow | undefined> {
  const q = db('claims as c')
    .join('participants as p', 'p.id', 'c.participant_id')
    .where('c.id', id)
    .first('c.*', 'p.reference as participant_reference');
  return (await (forUpdate ? q.forUpdate('c') : q)) as ClaimRow | undefined;
}

export function claimLines(db: Db, claimId: string): Promise<LineRow[]> {
  return db('claim_lines')
    .where({ claim_id: claimId })
    .orderBy([{ column: 'position' }, { column: 'seq' }])
    .select('*') as unknown as Promise<LineRow[]>;
}

export function claimReceipts(db: Db, claimId: string): Promise<ReceiptRow[]> {
  return db('claim_receipts as r')
    .join('files as f', 'f.id', 'r.file_id')
    .where('r.claim_id', claimId)
    .orderBy('r.created_at')
    .select(
      'r.id',
      'r.claim_id',
      'r.file_id',
      'r.amount_cents',
      'f.sha256',
      'f.media_type',
      'f.original_name',
    ) as unknown as Promise<ReceiptRow[]>;
}

export async function claimSessionIds(db: Db, claimId: string): Promise<string[]> {
  return (await db('claim_sessions').where({ claim_id: claimId }).select('session_id')).map(
    (r) => r.session_id as string,
  );
}

export function sessionsByIds(db: Db, ids: string[]): Promise<ClaimSessionRow[]> {
  return db('sessions')
    .whereIn('id', ids)
    .orderBy('starts_at')
    .select('id', 'project_id', 'title', 'starts_at', 'ends_at', 'status', 'meal_provided') as unknown as Promise<
    ClaimSessionRow[]
  >;
}

/** The payee a claim goes to by default: the participant's own active payee, else their only active one. */
export async function defaultPayeeId(db: Db, participantId: string): Promise<string | null> {
  const rows = await db('payees')
    .where({ participant_id: participantId, active: true })
    .orderBy('created_at')
    .select('id', 'kind');
  return (rows.find((r) => r.kind === 'participant') ?? (rows.length === 1 ? rows[0] : undefined))?.id ?? null;
}

export async function payeeOfParticipant(db: Db, payeeId: string, participantId: string): Promise<boolean> {
  return !!(await db('payees').where({ id: payeeId, participant_id: participantId, active: true }).first('id'));
}

export async function attendanceOf(db: Db, participantId: string, sessionIds: string[]): Promise<Map<string, string>> {
  const rows = await db('session_participants')
    .where({ participant_id: participantId })
    .whereIn('session_id', sessionIds)
    .select('session_id', 'status');
  return new Map(rows.map((r) => [r.session_id as string, r.status as string]));
}

/**
 * Kilometres (tenths) of the person's earlier non-rejected mileage lines in the calendar year
 * of `travelDate`: earlier travel date, or the same day and created before (`seq`). Lines of
 * drafts, cancelled or rejected claims and refused lines do not count; the claim being
 * computed counts even as a draft.
 */
export async function priorMileageDeciKm(
  db: Db,
  participantId: string,
  claimId: string,
  travelDate: string,
  seq: number,
): Promise<number> {
  const yearStart = `${travelDate.slice(0, 4)}-01-01`;
  const [{ total }] = await db('claim_lines as l')
    .join('claims as c', 'c.id', 'l.claim_id')
    .where('c.participant_id', participantId)
    .where('l.kind', 'mileage')
    .whereNotIn('c.status', ['cancelled', 'rejected'])
    .where((w) => w.whereNot('c.status', 'draft').orWhere('c.id', claimId))
    .where((w) => w.whereNull('l.granted_cents').orWhere('l.granted_cents', '>', 0))
    .where('l.travel_date', '>=', yearStart)
    .where((w) =>
      w
        .where('l.travel_date', '<', travelDate)
        .orWhere((x) => x.where('l.travel_date', travelDate).where('l.seq', '<', seq)),
    )
    .select(db.raw("COALESCE(SUM((l.input->>'distanceDeciKm')::integer), 0)::integer AS total"));
  return Number(total);
}

export interface ReceiptUse {
  line_id: string;
  claim_id: string;
  reference: string;
  granted_cents: number | null;
  status: string;
}

/** Every line (any claim, cancelled ones left out) backed by a receipt with this content hash. */
export function linesBackedBy(db: Db, sha256: string): Promise<ReceiptUse[]> {
  return db('claim_lines as l')
    .join('claim_receipts as r', 'r.id', 'l.receipt_id')
    .join('files as f', 'f.id', 'r.file_id')
    .join('claims as c', 'c.id', 'l.claim_id')
    .where('f.sha256', sha256)
    .whereNot('c.status', 'cancelled')
    .select('l.id as line_id', 'c.id as claim_id', 'c.reference', 'l.granted_cents', 'c.status') as unknown as Promise<
    ReceiptUse[]
  >;
}

/** Inserts a claim (its status the table's default, draft); answers its id. */
export async function insertClaim(trx: Db, values: Record<string, unknown>): Promise<string> {
  const [row] = await trx('claims').insert(values).returning(['id']);
  return row.id as string;
}

export async function insertClaimSessions(trx: Db, claimId: string, sessionIds: string[]): Promise<void> {
  await trx('claim_sessions').insert(sessionIds.map((s) => ({ claim_id: claimId, session_id: s })));
}

export async function deleteLines(trx: Db, claimId: string): Promise<void> {
  await trx('claim_lines').where({ claim_id: claimId }).delete();
}

/** Writes what the computation found for a line (category, amounts, explanation, rule, flags, mileage frozen). */
export async function setLineComputation(trx: Db, lineId: string, values: Record<string, unknown>): Promise<void> {
  await trx('claim_lines').where({ id: lineId }).update(values);
}

/** Writes the decision on a line (granted, reason, reuse acknowledged). */
export async function setLineDecision(trx: Db, lineId: string, values: Record<string, unknown>): Promise<void> {
  await trx('claim_lines').where({ id: lineId }).update(values);
}

/** Whether the line belongs to this claim. */
export async function isLineOfClaim(db: Db, claimId: string, lineId: string): Promise<boolean> {
  return !!(await db('claim_lines').where({ id: lineId, claim_id: claimId }).first('id'));
}

/** Inserts a receipt of a claim (its file already stored); answers its id. */
export async function insertReceipt(trx: Db, values: Record<string, unknown>): Promise<string> {
  const [row] = await trx('claim_receipts').insert(values).returning(['id']);
  return row.id as string;
}

/** Links a line to a receipt; the reuse, if any, is to acknowledge again. */
export async function linkLineToReceipt(trx: Db, lineId: string, receiptId: string): Promise<void> {
  await trx('claim_lines').where({ id: lineId }).update({ receipt_id: receiptId, receipt_reuse_acknowledged: false });
}

/** The file id of a receipt of this claim. */
export async function receiptFileId(db: Db, claimId: string, receiptId: string): Promise<string | undefined> {
  return (await db('claim_receipts').where({ id: receiptId, claim_id: claimId }).first('file_id'))?.file_id as
    string | undefined;
}

export async function insertLines(trx: Db, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length) await trx('claim_lines').insert(rows);
}

export async function touchClaim(trx: Db, id: string, values: Record<string, unknown>, now: Date): Promise<void> {
  await trx('claims')
    .where({ id })
    .update({ ...values, updated_at: now, version: trx.raw('version + 1') });
}

/** Who may decide: the project's lead (besides finance). */
export async function projectLeadOf(db: Db, projectId: string): Promise<string | null> {
  return ((await db('projects').where({ id: projectId }).first('lead_user_id'))?.lead_user_id as string | null) ?? null;
}

/**
 * Records that `userId` had a hand on the claim, in the writing use case's transaction (which
 * holds the claim's row lock, as the decision does: a hand and a decision never cross).
 */
export async function recordHand(
  trx: Db,
  claimId: string,
  userId: string | null,
  action: HandAction,
  now: Date,
): Promise<void> {
  // Every claim write comes from a signed-in person (a page, the API, a token, the demo loader).
  if (!userId) throw new Error(`a hand on a claim (${action}) needs the acting user`);
  await trx('claim_hands').insert({ claim_id: claimId, user_id: userId, action, occurred_at: now });
}

export interface HandRow {
  userId: string;
  action: HandAction;
  occurredAt: Date;
}

export function handsOn(db: Db, claimId: string): Promise<HandRow[]> {
  return db('claim_hands')
    .where({ claim_id: claimId })
    .orderBy('id')
    .select('user_id as userId', 'action', 'occurred_at as occurredAt') as unknown as Promise<HandRow[]>;
}

/** What `mayDecide` reads of a claim. */
export async function decisionFacts(db: Db, claim: { id: string; project_id: string }): Promise<DecisionFacts> {
  return { projectLeadId: await projectLeadOf(db, claim.project_id), hands: await handsOn(db, claim.id) };
}

export async function settlementOf(db: Db, advanceId: string): Promise<{ id: string; status: string } | undefined> {
  return db('claims').where({ advance_of_claim_id: advanceId }).whereNot('status', 'cancelled').first('id', 'status');
}

/** Whether the advance has a settlement (not cancelled). */
export async function hasSettlement(db: Db, advanceId: string): Promise<boolean> {
  return !!(await db('claims').where({ advance_of_claim_id: advanceId }).whereNot('status', 'cancelled').first('id'));
}

export const DECIDED: ClaimStatus[] = ['approved', 'partially_approved', 'rejected', 'in_batch', 'paid'];

/** Granted refunds and allowances of the participant's decided claims in a calendar year (advances replaced by their settlement). */
export async function yearlyGranted(
  db: Db,
  participantId: string,
  year: number,
): Promise<{ refunds: number; allowances: number }> {
  const rows = await db('claim_lines as l')
    .join('claims as c', 'c.id', 'l.claim_id')
    .where('c.participant_id', participantId)
    .whereIn('c.status', DECIDED)
    .whereNotExists((w) =>
      w.select(db.raw('1')).from('claims as s').whereRaw('s.advance_of_claim_id = c.id').whereIn('s.status', DECIDED),
    )
    .whereBetween('l.travel_date', [`${year}-01-01`, `${year}-12-31`])
    .select(
      db.raw("(l.category = 'allowances') AS allowance"),
      db.raw('COALESCE(SUM(l.granted_cents), 0)::bigint AS total'),
    )
    .groupByRaw("l.category = 'allowances'");
  let refunds = 0;
  let allowances = 0;
  for (const r of rows as { allowance: boolean; total: number }[]) {
    if (r.allowance) allowances += Number(r.total);
    else refunds += Number(r.total);
  }
  return { refunds, allowances };
}

/** A merged person's claims follow the record that is kept (their payees move with them). */
export async function moveClaims(db: Db, sourceId: string, keptId: string): Promise<number> {
  return db('claims').where({ participant_id: sourceId }).update({ participant_id: keptId });
}
