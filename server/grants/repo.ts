import type { Knex } from 'knex';
import type { Db } from '../shared/db.js';
import { AppError } from '../shared/errors.js';
import { paginate, type ListParams } from '../shared/pagination.js';
import type { ExpenseFilters } from './schemas.js';

export interface GrantRow {
  id: string;
  reference: string;
  funder: string;
  programme: string;
  axis: string;
  agreement_number: string;
  period_start: string;
  period_end: string;
  total_cents: number;
  cofunding_rate_bp: number;
  eligible_categories: string[];
  status: 'active' | 'closed';
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface BudgetLineRow {
  id: string;
  grant_id: string;
  category: string;
  year: number;
  amount_cents: number;
}

export interface ExpenseRow {
  id: string;
  reference: string;
  project_id: string;
  category: string;
  source: 'claim_line' | 'booking' | 'invoice';
  claim_line_id: string | null;
  claim_id: string | null;
  participant_id: string | null;
  booking_id: string | null;
  session_id: string | null;
  description: string;
  supplier: string;
  invoice_number: string;
  invoice_file_id: string | null;
  amount_cents: number;
  incurred_on: string;
  status: 'committed' | 'actual' | 'cancelled';
  paid_on: string | null;
  override_reason: string | null;
  created_at: Date;
}

export interface PartRow {
  id: string;
  expense_id: string;
  grant_id: string | null;
  budget_line_id: string | null;
  amount_cents: number;
  grant_reference: string | null;
  category: string | null;
  year: number | null;
  in_drawdown: boolean;
}

// ---- grants ----

export async function getGrant(db: Db, id: string, lock = false): Promise<GrantRow | undefined> {
  const q = db('grants').where({ id }).first();
  if (lock) q.forUpdate();
  return (await q) as GrantRow | undefined;
}

export async function grantCeilings(db: Db, grantId: string): Promise<{ year: number; ceiling_cents: number }[]> {
  return db('grant_ceilings').where({ grant_id: grantId }).orderBy('year').select('year', 'ceiling_cents');
}

export async function grantProjects(
  db: Db,
  grantId: string,
): Promise<{ project_id: string; share_bp: number; name: string }[]> {
  return db('grant_projects as gp')
    .join('projects as p', 'p.id', 'gp.project_id')
    .where('gp.grant_id', grantId)
    .orderBy('p.name')
    .select('gp.project_id', 'gp.share_bp', 'p.name');
}

export async function replaceCeilings(trx: Db, grantId: string, ceilings: { year: number; ceilingCents: number }[]) {
  await trx('grant_ceilings').where({ grant_id: grantId }).delete();
  if (ceilings.length)
    await trx('grant_ceilings').insert(
      ceilings.map((c) => ({ grant_id: grantId, year: c.year, ceiling_cents: c.ceilingCents })),
    );
}

export async function replaceProjects(trx: Db, grantId: string, projects: { projectId: string; shareBp: number }[]) {
  await trx('grant_projects').where({ grant_id: grantId }).delete();
  if (projects.length)
    await trx('grant_projects').insert(
      projects.map((p) => ({ grant_id: grantId, project_id: p.projectId, share_bp: p.shareBp })),
    );
}

/** Locks the projects (by id, a fixed order) and returns which exist with the shares other grants take of each. */
export async function lockProjectsWithShares(trx: Db, projectIds: string[], exceptGrantId: string | null) {
  const ids = [...new Set(projectIds)].sort();
  if (!ids.length) return { existing: new Set<string>(), otherShares: new Map<string, number>() };
  const rows = await trx('projects').whereIn('id', ids).orderBy('id').forUpdate().select('id');
  const shares = await trx('grant_projects')
    .whereIn('project_id', ids)
    .modify((q) => {
      if (exceptGrantId) q.whereNot('grant_id', exceptGrantId);
    })
    .groupBy('project_id')
    .select('project_id', trx.raw('sum(share_bp)::int AS total'));
  return {
    existing: new Set(rows.map((r: { id: string }) => r.id)),
    otherShares: new Map<string, number>(
      shares.map((s: { project_id: string; total: number }) => [s.project_id, Number(s.total)]),
    ),
  };
}

// ---- budget lines ----

export async function budgetLines(
  db: Db,
  grantId: string,
): Promise<(BudgetLineRow & { committed_cents: number; actual_cents: number; in_use: boolean })[]> {
  // From the grant's rollup rows (one per combination, kept by triggers: see the migration
  // expense-rollups), never from its parts: in use = any part on the line, cancelled included.
  const rows = await db('budget_lines as bl')
    .where('bl.grant_id', grantId)
    .leftJoin(
      db('grant_part_rollup as r')
        .where('r.grant_id', grantId)
        .groupBy('r.budget_line_id')
        .select(
          'r.budget_line_id',
          db.raw("coalesce(sum(r.amount_cents) FILTER (WHERE r.status = 'committed'), 0) AS committed_cents"),
          db.raw("coalesce(sum(r.amount_cents) FILTER (WHERE r.status = 'actual'), 0) AS actual_cents"),
          db.raw('sum(r.part_count) AS parts'),
        )
        .as('u'),
      'u.budget_line_id',
      'bl.id',
    )
    .orderBy([{ column: 'bl.year' }, { column: 'bl.category' }])
    .select(
      'bl.*',
      db.raw('coalesce(u.committed_cents, 0) AS committed_cents'),
      db.raw('coalesce(u.actual_cents, 0) AS actual_cents'),
      db.raw('coalesce(u.parts, 0) > 0 AS in_use'),
    );
  return rows.map((r: Record<string, unknown>) => ({
    ...(r as unknown as BudgetLineRow),
    amount_cents: Number(r.amount_cents),
    committed_cents: Number(r.committed_cents),
    actual_cents: Number(r.actual_cents),
    in_use: !!r.in_use,
  }));
}

/** A range of days (`YYYY-MM-DD`, both ends included): a scoped auditor's on one grant. */
export interface DayRange {
  from: string;
  to: string;
}

/** A grant's expense parts summed per budget line, project and month of payment (`YYYY-MM`, null: unpaid). */
export interface PartSum {
  budget_line_id: string | null;
  project_id: string;
  month: string | null;
  committed: number;
  actual: number;
}

/**
 * The rule of the budget figures of a grant, in one pass over its parts (a grant may hold
 * millions of them): committed = parts of committed or actual expenses, actual = parts of
 * actual ones (cancelled never counts). With a range (a scoped auditor's), committed counts
 * the parts whose expense was incurred (day of service) within it and actual those paid
 * within it: the parts the expense list gives with from/to, resp. paidFrom/paidTo. The grant
 * dashboard (server/grant-reports), the grant's budget lines and the project dashboard of a
 * scoped auditor all sum these rows.
 */
export async function grantPartSums(
  db: Db,
  grantId: string,
  range: DayRange | null = null,
  projectId?: string,
): Promise<PartSum[]> {
  const within = (column: string) => (range ? `${column} BETWEEN ?::date AND ?::date` : 'true');
  const days = range ? [range.from, range.to] : [];
  // The grant's rollup rows (kept by triggers) carry the parts' days and status: the same sums
  // as over the parts, from a few thousand rows instead of hundreds of thousands.
  const { rows } = (await db.raw(
    `
    SELECT r.budget_line_id, r.project_id, to_char(r.paid_on, 'YYYY-MM') AS month,
           COALESCE(SUM(r.amount_cents) FILTER (WHERE ${within('r.incurred_on')}), 0)::bigint AS committed,
           COALESCE(SUM(r.amount_cents) FILTER (WHERE r.status = 'actual' AND ${within('r.paid_on')}), 0)::bigint AS actual
      FROM grant_part_rollup r
     WHERE r.grant_id = ? AND r.status IN ('committed', 'actual')${projectId ? ' AND r.project_id = ?' : ''}${range ? ` AND (${within('r.incurred_on')} OR ${within('r.paid_on')})` : ''}
     GROUP BY 1, 2, 3
    HAVING SUM(r.part_count) <> 0 OR SUM(r.amount_cents) <> 0`,
    [...days, ...days, grantId, ...(projectId ? [projectId] : []), ...days, ...days],
  )) as { rows: PartSum[] };
  return rows.map((r) => ({ ...r, committed: Number(r.committed), actual: Number(r.actual) }));
}

/** Committed and actual per budget line, by the rule of `grantPartSums`. */
export function sumsByLine(sums: PartSum[]): Map<string, { committed: number; actual: number }> {
  const byLine = new Map<string, { committed: number; actual: number }>();
  for (const r of sums) {
    if (!r.budget_line_id) continue;
    const l = byLine.get(r.budget_line_id) ?? { committed: 0, actual: 0 };
    l.committed += r.committed;
    l.actual += r.actual;
    byLine.set(r.budget_line_id, l);
  }
  return byLine;
}

export async function getBudgetLine(db: Db, id: string, lock = false): Promise<BudgetLineRow | undefined> {
  const q = db('budget_lines').where({ id }).first();
  if (lock) q.forUpdate();
  return (await q) as BudgetLineRow | undefined;
}

/** Locks budget lines in id order (so racing transactions queue instead of deadlocking) and returns what they are. */
export async function lockBudgetLines(
  trx: Db,
  ids: string[],
): Promise<(BudgetLineRow & { grant_reference: string })[]> {
  const sorted = [...new Set(ids)].sort();
  if (!sorted.length) return [];
  await trx('budget_lines').whereIn('id', sorted).orderBy('id').forUpdate().select('id');
  return trx('budget_lines as bl')
    .join('grants as g', 'g.id', 'bl.grant_id')
    .whereIn('bl.id', sorted)
    .orderBy('bl.id')
    .select('bl.*', 'g.reference as grant_reference');
}

/** What is committed or actual on each line (non-cancelled expenses), leaving out some expenses. */
export async function usedOnLines(
  trx: Db,
  lineIds: string[],
  exceptExpenseIds: string[],
): Promise<Map<string, number>> {
  if (!lineIds.length) return new Map();
  const q = trx('expense_parts as ep')
    .join('expenses as e', 'e.id', 'ep.expense_id')
    .whereIn('ep.budget_line_id', lineIds)
    .whereNot('e.status', 'cancelled');
  if (exceptExpenseIds.length) q.whereNotIn('e.id', exceptExpenseIds);
  const rows = await q
    .groupBy('ep.budget_line_id')
    .select('ep.budget_line_id', trx.raw('sum(ep.amount_cents) AS used'));
  return new Map(rows.map((r: { budget_line_id: string; used: string }) => [r.budget_line_id, Number(r.used)]));
}

// ---- funding ----

/** Grants funding a project on a day for a category (period and eligibility), with their budget line for that category and year. */
export async function fundingGrants(trx: Db, projectId: string, category: string, day: string) {
  const year = Number(day.slice(0, 4));
  const rows = await trx('grant_projects as gp')
    .join('grants as g', 'g.id', 'gp.grant_id')
    .leftJoin('budget_lines as bl', (j) =>
      j.on('bl.grant_id', 'g.id').andOnVal('bl.category', category).andOnVal('bl.year', year),
    )
    .where('gp.project_id', projectId)
    .where('g.period_start', '<=', day)
    .where('g.period_end', '>=', day)
    .whereRaw('?::text = ANY (g.eligible_categories)', [category])
    .orderBy('g.reference')
    .select('g.id as grant_id', 'g.reference', 'gp.share_bp', 'bl.id as budget_line_id');
  return rows.map((r: { grant_id: string; reference: string; share_bp: number; budget_line_id: string | null }) => ({
    grantId: r.grant_id,
    reference: r.reference,
    shareBp: r.share_bp,
    budgetLineId: r.budget_line_id,
  }));
}

// ---- expenses ----

export async function getExpense(db: Db, id: string, lock = false): Promise<ExpenseRow | undefined> {
  const q = db('expenses').where({ id }).first();
  if (lock) q.forUpdate();
  const row = (await q) as ExpenseRow | undefined;
  return row ? { ...row, amount_cents: Number(row.amount_cents) } : undefined;
}

export async function expenseParts(db: Db, expenseIds: string[]): Promise<PartRow[]> {
  if (!expenseIds.length) return [];
  const rows = await db('expense_parts as ep')
    .leftJoin('grants as g', 'g.id', 'ep.grant_id')
    .leftJoin('budget_lines as bl', 'bl.id', 'ep.budget_line_id')
    .whereIn('ep.expense_id', expenseIds)
    .orderByRaw('ep.grant_id IS NULL, g.reference')
    .select(
      'ep.id',
      'ep.expense_id',
      'ep.grant_id',
      'ep.budget_line_id',
      'ep.amount_cents',
      'g.reference as grant_reference',
      'bl.category',
      'bl.year',
      db.raw(
        'EXISTS (SELECT 1 FROM drawdown_parts dp WHERE dp.expense_part_id = ep.id AND dp.withdrawn_by IS NULL) AS in_drawdown',
      ),
    );
  return rows.map((r: PartRow) => ({ ...r, amount_cents: Number(r.amount_cents) }));
}

export async function replaceParts(
  trx: Db,
  expenseId: string,
  parts: { grantId: string | null; budgetLineId: string | null; amountCents: number }[],
) {
  await trx('expense_parts').where({ expense_id: expenseId }).delete();
  if (parts.length)
    await trx('expense_parts').insert(
      parts.map((p) => ({
        expense_id: expenseId,
        grant_id: p.grantId,
        budget_line_id: p.budgetLineId,
        amount_cents: p.amountCents,
      })),
    );
}

export async function insertExpense(trx: Db, row: Record<string, unknown>): Promise<string> {
  const [r] = await trx('expenses').insert(row).returning(['id']);
  return r.id as string;
}

/** Non-cancelled expenses of a project none of whose parts is in a drawdown, locked (for a re-split). */
export async function resplittableExpenses(trx: Db, projectId: string): Promise<ExpenseRow[]> {
  const rows = await trx('expenses as e')
    .where('e.project_id', projectId)
    .whereNot('e.status', 'cancelled')
    .whereNotExists(
      trx('expense_parts as ep')
        .join('drawdown_parts as dp', 'dp.expense_part_id', 'ep.id')
        .whereRaw('ep.expense_id = e.id'),
    )
    .orderBy('e.id')
    .forUpdate()
    .select('e.*');
  return rows.map((r: ExpenseRow) => ({ ...r, amount_cents: Number(r.amount_cents) }));
}

/**
 * Which parts of an expense a list counts: those on a grant, on a budget line and, for an
 * auditor limited by scope rows, those on their grants whose expense was incurred or paid
 * within that grant's range (`ranges: []`: none at all). No part filter: whole expenses.
 */
export interface PartFilter {
  grantId?: string;
  budgetLineId?: string;
  ranges?: { grantId: string; from: string; to: string }[];
}

const hasPartFilter = (p: PartFilter) => !!(p.grantId || p.budgetLineId || p.ranges);

/** Restricts a query on `expense_parts as <alias>` (correlated with `expenses as e`) to the parts the filter counts. */
function whereParts(q: Knex.QueryBuilder, alias: string, p: PartFilter): Knex.QueryBuilder {
  if (p.grantId) q.where(`${alias}.grant_id`, p.grantId);
  if (p.budgetLineId) q.where(`${alias}.budget_line_id`, p.budgetLineId);
  if (p.ranges) {
    const ranges = p.ranges;
    if (!ranges.length) return q.whereRaw('false');
    q.where((any) => {
      for (const r of ranges) {
        any.orWhere((one) =>
          one
            .where(`${alias}.grant_id`, r.grantId)
            .where((day) =>
              day.whereBetween('e.incurred_on', [r.from, r.to]).orWhereBetween('e.paid_on', [r.from, r.to]),
            ),
        );
      }
    });
  }
  return q;
}

function whereExpense(q: Knex.QueryBuilder, f: ExpenseFilters): Knex.QueryBuilder {
  if (f.projectId) q.where('e.project_id', f.projectId);
  if (f.category) q.where('e.category', f.category);
  if (f.statuses?.length) q.whereIn('e.status', f.statuses);
  if (f.source) q.where('e.source', f.source);
  if (f.from) q.where('e.incurred_on', '>=', f.from);
  if (f.to) q.where('e.incurred_on', '<=', f.to);
  if (f.paidFrom) q.where('e.paid_on', '>=', f.paidFrom);
  if (f.paidTo) q.where('e.paid_on', '<=', f.paidTo);
  return q;
}

/** Keeps, in a query on `expenses as e`, the expenses with at least one part the filter counts. */
export function withCountedParts(db: Db, q: Knex.QueryBuilder, p: PartFilter): Knex.QueryBuilder {
  return hasPartFilter(p)
    ? q.whereExists(whereParts(db('expense_parts as mp').whereRaw('mp.expense_id = e.id'), 'mp', p))
    : q;
}

/** Expenses matching the filters with at least one counted part (any, without a part filter). */
function matchingExpenses(db: Db, f: ExpenseFilters, p: PartFilter): Knex.QueryBuilder {
  return withCountedParts(db, whereExpense(db('expenses as e'), f), p);
}

/**
 * A page of expenses matching the filters, each with `listed_cents`: the sum of its counted
 * parts (with a part filter), otherwise its whole amount.
 */
export async function expenseListPage(
  db: Db,
  f: ExpenseFilters,
  p: PartFilter,
  page: ListParams,
): Promise<{ items: (ExpenseRow & { listed_cents: number })[]; nextCursor: string | null }> {
  const listed = hasPartFilter(p)
    ? whereParts(db('expense_parts as lp').whereRaw('lp.expense_id = e.id'), 'lp', p)
        .select(db.raw('COALESCE(SUM(lp.amount_cents), 0)'))
        .as('listed_cents')
    : db.raw('e.amount_cents AS listed_cents');
  const q = matchingExpenses(db, f, p).select('e.*', listed);
  // Actual expenses only have a payment day: they may be sorted by it (the default when the
  // list is of payment days, the "actual" figure of a dashboard: walking the days of service
  // back to a past year of payments read every later expense first).
  const paidOnly = f.statuses?.length === 1 && f.statuses[0] === 'actual';
  if (!paidOnly && page.sort?.replace(/^-/, '') === 'paidOn')
    throw new AppError('validation_failed', undefined, [
      {
        field: 'sort',
        message: 'le tri par date de paiement demande status=actual (seules les dépenses payées en ont une)',
      },
    ]);
  const result = await paginate<ExpenseRow & { listed_cents: number } & Record<string, unknown>>(
    q,
    page,
    {
      columns: {
        incurredOn: 'e.incurred_on',
        createdAt: 'e.created_at',
        amountCents: 'e.amount_cents',
        reference: 'e.reference',
        ...(paidOnly ? { paidOn: 'e.paid_on' } : {}),
      },
      default: paidOnly && (f.paidFrom || f.paidTo) ? '-paidOn' : '-incurredOn',
    },
    'e.id',
  );
  return {
    items: result.items.map((r) => ({
      ...r,
      amount_cents: Number(r.amount_cents),
      listed_cents: Number(r.listed_cents),
    })),
    nextCursor: result.nextCursor,
  };
}

/**
 * How many expenses match the filters and the sum of what they count (all pages): the figure a
 * dashboard link stands for. Summed from the rollups (kept by triggers; every filter but a
 * scoped auditor's ranges is a column of them): an expense has at most one part per grant
 * (unique index), so on a grant or a budget line the parts counted are the expenses counted.
 * A scoped auditor's ranges (incurred or paid within) still read the parts of their grants.
 */
export async function expenseListTotals(
  db: Db,
  f: ExpenseFilters,
  p: PartFilter,
): Promise<{ count: number; totalCents: number }> {
  const q = p.ranges
    ? whereParts(
        whereExpense(db('expenses as e').join('expense_parts as tp', 'tp.expense_id', 'e.id'), f),
        'tp',
        p,
      ).select(
        db.raw('COUNT(DISTINCT e.id)::bigint AS count'),
        db.raw('COALESCE(SUM(tp.amount_cents), 0)::bigint AS total'),
      )
    : hasPartFilter(p)
      ? whereParts(whereExpense(db('grant_part_rollup as e'), f), 'e', p).select(
          db.raw('COALESCE(SUM(e.part_count), 0)::bigint AS count'),
          db.raw('COALESCE(SUM(e.amount_cents), 0)::bigint AS total'),
        )
      : whereExpense(db('expense_rollup as e'), f).select(
          db.raw('COALESCE(SUM(e.expense_count), 0)::bigint AS count'),
          db.raw('COALESCE(SUM(e.amount_cents), 0)::bigint AS total'),
        );
  const [row] = await q;
  return { count: Number(row.count), totalCents: Number(row.total) };
}

/** A budget line with its grant's reference (the expense list names the line it is filtered by). */
export async function budgetLineLabel(
  db: Db,
  id: string,
): Promise<{ grant_id: string; grant_reference: string; category: string; year: number } | undefined> {
  return db('budget_lines as bl')
    .join('grants as g', 'g.id', 'bl.grant_id')
    .where('bl.id', id)
    .first('bl.grant_id', 'g.reference as grant_reference', 'bl.category', 'bl.year');
}

export async function expenseInDrawdown(db: Db, expenseId: string): Promise<boolean> {
  const row = await db('expense_parts as ep')
    .join('drawdown_parts as dp', 'dp.expense_part_id', 'ep.id')
    .where('ep.expense_id', expenseId)
    .first('ep.id');
  return !!row;
}

// ---- choices and labels for the pages ----

export async function projectChoices(db: Db, activeOnly = false): Promise<{ id: string; name: string }[]> {
  const q = db('projects').orderBy('name').select('id', 'name');
  if (activeOnly) q.where({ status: 'active' });
  return q;
}

export async function grantChoices(db: Db): Promise<{ id: string; reference: string; funder: string }[]> {
  return db('grants').orderBy('reference').select('id', 'reference', 'funder');
}

/** The project's name and the claim's reference an expense page links to. */
export async function expenseLinks(
  db: Db,
  projectId: string,
  claimId: string | null,
): Promise<{ projectName: string; claimReference: string | null }> {
  const project = await db('projects').where({ id: projectId }).first('name');
  const claim = claimId ? await db('claims').where({ id: claimId }).first('reference') : null;
  return { projectName: project?.name ?? '', claimReference: claim?.reference ?? null };
}

/** Whether one of these grants funds the project. */
export async function projectFundedBy(db: Db, projectId: string, grantIds: string[]): Promise<boolean> {
  if (!grantIds.length) return false;
  return !!(await db('grant_projects')
    .where({ project_id: projectId })
    .whereIn('grant_id', grantIds)
    .first('grant_id'));
}
