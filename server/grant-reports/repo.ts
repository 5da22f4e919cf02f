import type { Knex } from 'knex';
import type { Db } from '../shared/db.js';
// The rule of a grant's figures (grantPartSums) is the grants capability's.
import { getGrant, grantPartSums, sumsByLine, type DayRange, type GrantRow } from '../grants/index.js';

/**
 * Reads for budget reports, statements and drawdowns. The rules (docs/domain.md#expense): an expense part
 * sits on the budget line of the year of `expenses.incurred_on`; committed = status committed
 * or actual; actual = status actual, reported by `paid_on`; cancelled never counts.
 */

// The grant record is the grants capability's.
export { getGrant, type GrantRow, type DayRange };

export async function grantCeilings(db: Db, grantId: string): Promise<Map<number, number>> {
  const rows: { year: number; ceiling_cents: number }[] = await db('grant_ceilings')
    .where({ grant_id: grantId })
    .select('year', 'ceiling_cents');
  return new Map(rows.map((r) => [r.year, r.ceiling_cents]));
}

export interface LineFigures {
  id: string;
  category: string;
  year: number;
  planned: number;
  committed: number;
  actual: number;
}
export interface ProjectFigures {
  project_id: string;
  name: string;
  share_bp: number | null;
  planned_total: number;
  committed: number;
  actual: number;
}

/**
 * Everything the grant dashboard sums: committed and actual per budget line, per project, and
 * actual per month of payment, rolled up from the grant's part sums (server/grants
 * `grantPartSums`, the one rule of these figures). With a range (a scoped auditor's),
 * committed counts the parts whose expense was incurred (day of service) within it and actual
 * those paid within it. With a project, only the parts of its expenses.
 */
export async function grantFigures(
  db: Db,
  grantId: string,
  range: DayRange | null = null,
  projectId?: string,
): Promise<{ lines: LineFigures[]; projects: ProjectFigures[]; actualByMonth: Map<string, number> }> {
  const sums = await grantPartSums(db, grantId, range, projectId);
  const lineRows: { id: string; category: string; year: number; amount_cents: number }[] = await db('budget_lines')
    .where({ grant_id: grantId })
    .orderBy(['year', 'category'])
    .select('id', 'category', 'year', 'amount_cents');
  const { rows: projectRows } = (await db.raw(
    `
    SELECT p.id AS project_id, p.name, gp.share_bp,
           COALESCE((SELECT SUM(pb.planned_cents) FROM project_budget pb WHERE pb.project_id = p.id), 0)::bigint AS planned_total
      FROM projects p LEFT JOIN grant_projects gp ON gp.project_id = p.id AND gp.grant_id = ?
     WHERE gp.grant_id IS NOT NULL OR p.id = ANY(?::uuid[])
     ORDER BY p.name, p.id`,
    [grantId, [...new Set(sums.map((r) => r.project_id))]],
  )) as { rows: { project_id: string; name: string; share_bp: number | null; planned_total: number }[] };
  const byLine = sumsByLine(sums);
  const lines = new Map(
    lineRows.map((l) => [
      l.id,
      {
        id: l.id,
        category: l.category,
        year: l.year,
        planned: l.amount_cents,
        committed: byLine.get(l.id)?.committed ?? 0,
        actual: byLine.get(l.id)?.actual ?? 0,
      },
    ]),
  );
  const projects = new Map(projectRows.map((p) => [p.project_id, { ...p, committed: 0, actual: 0 }]));
  const actualByMonth = new Map<string, number>();
  for (const r of sums) {
    const project = projects.get(r.project_id);
    if (project) {
      project.committed += r.committed;
      project.actual += r.actual;
    }
    if (r.actual && r.month) actualByMonth.set(r.month, (actualByMonth.get(r.month) ?? 0) + r.actual);
  }
  return {
    lines: [...lines.values()],
    projects: [...projects.values()],
    actualByMonth: new Map([...actualByMonth.entries()].sort(([a], [b]) => a.localeCompare(b))),
  };
}

export interface Attendance {
  participants: number;
  attendedMinutes: number;
  sessionsHeld: number;
  expected: number;
  attended: number;
}

/**
 * Attendance in held sessions of some projects between two local days: distinct people who
 * attended, person-minutes attended (each attendance × the session's length), sessions held,
 * and expected (invited and not declined) vs attended, for the attendance rate.
 */
export async function attendanceOf(
  db: Db,
  projectIds: string[],
  from: string,
  to: string,
  timeZone: string,
): Promise<Attendance> {
  if (projectIds.length === 0)
    return { participants: 0, attendedMinutes: 0, sessionsHeld: 0, expected: 0, attended: 0 };
  const { rows } = await db.raw(
    `
    SELECT COUNT(DISTINCT sp.participant_id) FILTER (WHERE sp.status = 'attended')::bigint AS participants,
           COALESCE(SUM(EXTRACT(EPOCH FROM (s.ends_at - s.starts_at)) / 60) FILTER (WHERE sp.status = 'attended'), 0)::bigint AS attended_minutes,
           COUNT(DISTINCT s.id)::bigint AS sessions_held,
           COUNT(sp.participant_id) FILTER (WHERE sp.status <> 'declined')::bigint AS expected,
           COUNT(sp.participant_id) FILTER (WHERE sp.status = 'attended')::bigint AS attended
      FROM sessions s
      LEFT JOIN session_participants sp ON sp.session_id = s.id
     WHERE s.project_id = ANY(?::uuid[]) AND s.status = 'held'
       AND (s.starts_at AT TIME ZONE ?)::date BETWEEN ?::date AND ?::date`,
    [projectIds, timeZone, from, to],
  );
  const r = rows[0];
  return {
    participants: r.participants,
    attendedMinutes: r.attended_minutes,
    sessionsHeld: r.sessions_held,
    expected: r.expected,
    attended: r.attended,
  };
}

export async function grantProjectIds(db: Db, grantId: string): Promise<string[]> {
  return (await db('grant_projects').where({ grant_id: grantId }).select('project_id')).map(
    (r: { project_id: string }) => r.project_id,
  );
}

// ---- Projects ---------------------------------------------------------------------------

export interface ProjectCategoryFigures {
  category: string;
  planned: number;
  committed: number;
  actual: number;
}

/** A project's planned budget (project_budget) and its expenses (whole amounts) per category. */
export async function projectCategoryFigures(db: Db, projectId: string): Promise<ProjectCategoryFigures[]> {
  // From the expense rollup (kept by triggers), not from the project's expenses.
  const { rows } = await db.raw(
    `
    WITH spent AS (
      SELECT category,
             SUM(amount_cents) FILTER (WHERE status IN ('committed', 'actual'))::bigint AS committed,
             SUM(amount_cents) FILTER (WHERE status = 'actual')::bigint AS actual
        FROM expense_rollup WHERE project_id = ? GROUP BY category HAVING SUM(expense_count) <> 0)
    SELECT COALESCE(pb.category, spent.category) AS category, COALESCE(pb.planned_cents, 0)::bigint AS planned,
           COALESCE(spent.committed, 0)::bigint AS committed, COALESCE(spent.actual, 0)::bigint AS actual
      FROM (SELECT category, planned_cents FROM project_budget WHERE project_id = ?) pb
      FULL JOIN spent ON spent.category = pb.category`,
    [projectId, projectId],
  );
  return rows;
}

export async function projectActualByMonth(db: Db, projectId: string): Promise<Map<string, number>> {
  const { rows } = await db.raw(
    `
    SELECT to_char(paid_on, 'YYYY-MM') AS month, SUM(amount_cents)::bigint AS actual
      FROM expense_rollup WHERE project_id = ? AND status = 'actual' GROUP BY 1
    HAVING SUM(expense_count) <> 0 ORDER BY 1`,
    [projectId],
  );
  return new Map(rows.map((r: { month: string; actual: number }) => [r.month, r.actual]));
}

export function projectPeriod(
  db: Db,
  projectId: string,
): Promise<{ starts_on: string; ends_on: string | null } | undefined> {
  return db('projects').where({ id: projectId }).first('starts_on', 'ends_on');
}

export interface ClaimDelays {
  to_submission: number | null;
  to_decision: number | null;
  to_payment: number | null;
}

/**
 * For each submitted claim of a project (advances excepted: they come before the session),
 * the calendar days (organisation time zone) from the end of its last session to its
 * submission, its decision and its payment (a live payment marked paid).
 */
export async function claimDelays(db: Db, projectId: string, timeZone: string): Promise<ClaimDelays[]> {
  const { rows } = await db.raw(
    `
    SELECT (c.submitted_at AT TIME ZONE ?)::date - (se.ended AT TIME ZONE ?)::date AS to_submission,
           (c.decided_at AT TIME ZONE ?)::date - (se.ended AT TIME ZONE ?)::date AS to_decision,
           (pay.paid_at AT TIME ZONE ?)::date - (se.ended AT TIME ZONE ?)::date AS to_payment
      FROM claims c
      JOIN LATERAL (SELECT MAX(s.ends_at) AS ended FROM claim_sessions cs JOIN sessions s ON s.id = cs.session_id WHERE cs.claim_id = c.id) se ON se.ended IS NOT NULL
      LEFT JOIN LATERAL (SELECT MAX(p.paid_at) AS paid_at FROM batch_claims bc JOIN payments p ON p.id = bc.payment_id
                          WHERE bc.claim_id = c.id AND NOT bc.voided AND p.status = 'paid') pay ON true
     WHERE c.project_id = ? AND c.submitted_at IS NOT NULL AND c.status <> 'cancelled' AND NOT c.is_advance`,
    [timeZone, timeZone, timeZone, timeZone, timeZone, timeZone, projectId],
  );
  return rows;
}

// ---- Statement --------------------------------------------------------------------------

export interface StatementRow {
  /** Null only on a drawdown's withdrawn part whose payment day was lost before drawdowns kept it (December 2026). */
  paid_on: string | null;
  category: string;
  year: number;
  expense_reference: string;
  source: string;
  claim_reference: string | null;
  /** The first 12 hex digits of the receipt's SHA-256 (how the statement and the evidence bundle name it). */
  receipt_sha256: string | null;
  invoice_number: string;
  /** The first 12 hex digits of the invoice file's SHA-256. */
  invoice_sha256: string | null;
  participant_reference: string | null;
  amount_cents: number;
}

const STATEMENT_COLUMNS = `e.paid_on, bl.category, bl.year, e.reference AS expense_reference, e.source, c.reference AS claim_reference,
       left(rf.sha256, 12) AS receipt_sha256, e.invoice_number, left(inf.sha256, 12) AS invoice_sha256, pa.reference AS participant_reference, ep.amount_cents`;
const STATEMENT_JOINS = `
      JOIN expenses e ON e.id = ep.expense_id
      JOIN budget_lines bl ON bl.id = ep.budget_line_id
      LEFT JOIN claims c ON c.id = e.claim_id
      LEFT JOIN claim_lines cl ON cl.id = e.claim_line_id
      LEFT JOIN claim_receipts cr ON cr.id = cl.receipt_id
      LEFT JOIN files rf ON rf.id = cr.file_id
      LEFT JOIN files inf ON inf.id = e.invoice_file_id
      LEFT JOIN participants pa ON pa.id = e.participant_id`;

/** The parts a statement of [from, to] lists: the grant's, whose expense is actual and paid in the range (bindings: grant, from, to). */
const STATEMENT_FILTER = `ep.grant_id = ? AND e.status = 'actual' AND e.paid_on BETWEEN ?::date AND ?::date`;

/** The statement's query: the grant's parts whose expense is actual and paid in [from, to]. */
export function statementQuery(db: Db, grantId: string, from: string, to: string): Knex.Raw {
  return db.raw(
    `
    SELECT ${STATEMENT_COLUMNS}
      FROM expense_parts ep ${STATEMENT_JOINS}
     WHERE ${STATEMENT_FILTER}
     ORDER BY e.paid_on, e.reference, ep.id`,
    [grantId, from, to],
  );
}

/** Lines and cents per budget line of what statementQuery lists (the totals at the end of the statement). */
export function statementTotalsQuery(db: Db, grantId: string, from: string, to: string): Knex.Raw {
  return db.raw(
    `
    SELECT bl.category, bl.year, COUNT(*)::bigint AS count, SUM(ep.amount_cents)::bigint AS cents
      FROM expense_parts ep JOIN expenses e ON e.id = ep.expense_id JOIN budget_lines bl ON bl.id = ep.budget_line_id
     WHERE ${STATEMENT_FILTER}
     GROUP BY bl.category, bl.year`,
    [grantId, from, to],
  );
}

/**
 * The parts a drawdown claimed (at the payment day it saw) and those it withdrew (negative
 * amounts, last), as statement rows: they sum to the drawdown's eligible figure.
 */
export function drawdownPartsQuery(db: Db, drawdownId: string): Knex.Raw {
  return db.raw(
    `
    SELECT COALESCE(dp.paid_on, e.paid_on) AS paid_on, bl.category, bl.year, e.reference AS expense_reference, e.source, c.reference AS claim_reference,
           left(rf.sha256, 12) AS receipt_sha256, e.invoice_number, left(inf.sha256, 12) AS invoice_sha256, pa.reference AS participant_reference,
           CASE WHEN dp.withdrawn_by = ? THEN -ep.amount_cents ELSE ep.amount_cents END AS amount_cents
      FROM drawdown_parts dp JOIN expense_parts ep ON ep.id = dp.expense_part_id ${STATEMENT_JOINS}
     WHERE dp.drawdown_id = ? OR dp.withdrawn_by = ?
     ORDER BY (dp.withdrawn_by IS NOT DISTINCT FROM ?), COALESCE(dp.paid_on, e.paid_on), e.reference, ep.id`,
    [drawdownId, drawdownId, drawdownId, drawdownId],
  );
}

export async function countStatementRows(db: Db, grantId: string, from: string, to: string): Promise<number> {
  const { rows } = await db.raw(
    `
    SELECT COUNT(*)::bigint AS n FROM expense_parts ep JOIN expenses e ON e.id = ep.expense_id
     WHERE ${STATEMENT_FILTER}`,
    [grantId, from, to],
  );
  return rows[0].n;
}

/**
 * Runs a query through a server-side cursor inside the caller's transaction and yields its
 * rows in batches, so that a million-line export never sits in memory. The query's values
 * are inlined by knex (DECLARE takes no bind parameters); they are ids and dates.
 */
export async function* cursorBatches<T>(trx: Knex.Transaction, query: Knex.Raw, batchSize = 5000): AsyncGenerator<T[]> {
  const name = `rows_${Math.random().toString(36).slice(2, 10)}`;
  // A cursor is planned for its first 10 % by default (nested loops): these exports read it all.
  await trx.raw('SET LOCAL cursor_tuple_fraction = 1.0');
  await trx.raw(`DECLARE ${name} NO SCROLL CURSOR FOR ${query.toQuery()}`);
  try {
    for (;;) {
      const { rows } = await trx.raw(`FETCH ${batchSize} FROM ${name}`);
      if (rows.length === 0) return;
      yield rows as T[];
      if (rows.length < batchSize) return;
    }
  } finally {
    await trx.raw(`CLOSE ${name}`).catch(() => {});
  }
}

/** The stored files (invoices, claim receipts) behind the statement rows of a period. */
export async function evidenceFiles(
  db: Db,
  grantId: string,
  from: string,
  to: string,
): Promise<{ id: string; sha256: string; media_type: string; kind: 'invoice' | 'receipt'; owner: string }[]> {
  const { rows } = await db.raw(
    `
    SELECT DISTINCT ON (f.id) f.id, f.sha256, f.media_type, x.kind, x.owner
      FROM expense_parts ep JOIN expenses e ON e.id = ep.expense_id
      LEFT JOIN claim_lines cl ON cl.id = e.claim_line_id
      LEFT JOIN claim_receipts cr ON cr.id = cl.receipt_id
      LEFT JOIN claims c ON c.id = e.claim_id
      CROSS JOIN LATERAL (VALUES ('invoice', e.invoice_file_id, e.reference), ('receipt', cr.file_id, c.reference)) AS x(kind, file_id, owner)
      JOIN files f ON f.id = x.file_id AND f.content IS NOT NULL
     WHERE ep.grant_id = ? AND e.status = 'actual' AND e.paid_on BETWEEN ?::date AND ?::date
     ORDER BY f.id, x.owner`,
    [grantId, from, to],
  );
  return rows;
}

export async function fileContent(db: Db, id: string): Promise<Buffer | null> {
  const row = await db('files').where({ id }).whereNotNull('content').first('content');
  return row ? row.content : null;
}

// ---- Financial report -------------------------------------------------------------------

/** Planned (budget lines of the year) and actual (parts paid in the year) per category. */
export async function yearFigures(
  db: Db,
  grantId: string,
  year: number,
): Promise<{ category: string; planned: number; actual: number }[]> {
  const { rows } = await db.raw(
    `
    WITH planned AS (SELECT category, amount_cents FROM budget_lines WHERE grant_id = ? AND year = ?),
         actual AS (
           SELECT bl.category, SUM(ep.amount_cents)::bigint AS amount
             FROM expense_parts ep JOIN expenses e ON e.id = ep.expense_id JOIN budget_lines bl ON bl.id = ep.budget_line_id
            WHERE ep.grant_id = ? AND e.status = 'actual' AND e.paid_on BETWEEN make_date(?, 1, 1) AND make_date(?, 12, 31)
            GROUP BY bl.category)
    SELECT COALESCE(planned.category, actual.category) AS category, COALESCE(planned.amount_cents, 0)::bigint AS planned, COALESCE(actual.amount, 0)::bigint AS actual
      FROM planned FULL JOIN actual ON actual.category = planned.category`,
    [grantId, year, grantId, year, year],
  );
  return rows;
}

export async function reportNotes(db: Db, grantId: string, year: number): Promise<Map<string, string>> {
  const rows: { category: string; explanation: string }[] = await db('grant_report_notes')
    .where({ grant_id: grantId, year })
    .select('category', 'explanation');
  return new Map(rows.map((r) => [r.category, r.explanation]));
}

export async function saveReportNotes(
  trx: Db,
  grantId: string,
  year: number,
  notes: { category: string; explanation: string }[],
  userId: string | null,
): Promise<void> {
  for (const n of notes) {
    if (n.explanation.trim() === '') {
      await trx('grant_report_notes').where({ grant_id: grantId, year, category: n.category }).delete();
      continue;
    }
    await trx.raw(
      `
      INSERT INTO grant_report_notes (grant_id, year, category, explanation, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, now())
      ON CONFLICT (grant_id, year, category) DO UPDATE SET explanation = EXCLUDED.explanation, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [grantId, year, n.category, n.explanation, userId],
    );
  }
}

/** The people behind the paid expenses of a grant's period, as a subquery (for the archive door of its evidence ZIP). */
export function periodParticipantIdsSql(
  grantId: string,
  from: string,
  to: string,
): { sql: string; bindings: unknown[] } {
  return {
    sql: `SELECT e.participant_id FROM expense_parts ep JOIN expenses e ON e.id = ep.expense_id
           WHERE ep.grant_id = ? AND e.status = 'actual' AND e.paid_on BETWEEN ?::date AND ?::date AND e.participant_id IS NOT NULL`,
    bindings: [grantId, from, to],
  };
}
