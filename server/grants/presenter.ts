import type { Db } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import { containsPattern } from '../shared/search.js';
import { paginate } from '../shared/pagination.js';
import type { ExpenseListQuery } from './schemas.js';
import { budgetLines, expenseParts, getExpense, getGrant, grantCeilings, grantProjects, type ExpenseRow, type GrantRow, type PartRow } from './repo.js';
import type { AuditorScope } from './scopes.js';
import type { Warning } from './budget.js';

export function presentGrantSummary(g: GrantRow) {
  return {
    id: g.id, reference: g.reference, funder: g.funder, programme: g.programme, axis: g.axis, agreementNumber: g.agreement_number,
    periodStart: g.period_start, periodEnd: g.period_end, totalCents: Number(g.total_cents), cofundingRateBp: g.cofunding_rate_bp,
    eligibleCategories: g.eligible_categories, status: g.status, version: g.version, createdAt: new Date(g.created_at).toISOString(),
  };
}

/** Budget lines of a grant with what is committed, actual and remaining on each (cancelled expenses do not count). */
export async function budgetLineUsage(db: Db, grantId: string) {
  return (await budgetLines(db, grantId)).map((l) => ({
    id: l.id, category: l.category, year: l.year, amountCents: l.amount_cents, committedCents: l.committed_cents, actualCents: l.actual_cents,
    remainingCents: l.amount_cents - l.committed_cents - l.actual_cents, inUse: l.in_use,
  }));
}

export async function grantView(db: Db, id: string, warnings?: Warning[]) {
  const g = await getGrant(db, id);
  if (!g) throw notFound('Financement');
  return {
    ...presentGrantSummary(g),
    ceilings: (await grantCeilings(db, id)).map((c) => ({ year: c.year, ceilingCents: Number(c.ceiling_cents) })),
    projects: (await grantProjects(db, id)).map((p) => ({ projectId: p.project_id, name: p.name, shareBp: p.share_bp })),
    budgetLines: (await budgetLineUsage(db, id)).map(({ inUse: _u, ...l }) => l),
    ...(warnings ? { warnings } : {}),
  };
}

/** Grants, searchable by funder, reference or agreement number; an auditor with scopes sees only theirs. */
export async function listGrants(db: Db, params: { limit?: string; cursor?: string; sort?: string; q?: string }, scope: AuditorScope | null) {
  const q = db('grants').select('*');
  if (params.q) {
    const p = containsPattern(params.q);
    q.where((w) => w.whereILike('funder', p).orWhereILike('reference', p).orWhereILike('agreement_number', p).orWhereILike('programme', p));
  }
  if (scope) q.whereIn('id', scope.grantIds);
  const page = await paginate<GrantRow & Record<string, unknown>>(q, params, { columns: { funder: 'funder', reference: 'reference', periodStart: 'period_start', createdAt: 'created_at', totalCents: 'total_cents' }, default: '-createdAt' });
  return { items: page.items.map(presentGrantSummary), nextCursor: page.nextCursor };
}

export function presentExpense(e: ExpenseRow, parts: PartRow[], warnings?: Warning[]) {
  return {
    id: e.id, reference: e.reference, projectId: e.project_id, category: e.category, source: e.source,
    claimId: e.claim_id, claimLineId: e.claim_line_id, bookingId: e.booking_id, sessionId: e.session_id,
    description: e.description, supplier: e.supplier, invoiceNumber: e.invoice_number, hasInvoice: !!e.invoice_file_id,
    amountCents: Number(e.amount_cents), incurredOn: e.incurred_on, status: e.status, paidOn: e.paid_on, overridden: !!e.override_reason,
    createdAt: new Date(e.created_at).toISOString(),
    parts: parts.filter((p) => p.expense_id === e.id).map((p) => ({
      id: p.id, grantId: p.grant_id, grantReference: p.grant_reference, budgetLineId: p.budget_line_id, category: p.category, year: p.year, amountCents: p.amount_cents, inDrawdown: !!p.in_drawdown,
    })),
    ...(warnings ? { warnings } : {}),
  };
}

/** Restricts an expense query (alias `e`) to an auditor's scope: a part on a scoped grant, within that grant's range. */
export function applyExpenseScope(db: Db, q: import('knex').Knex.QueryBuilder, scope: AuditorScope | null) {
  if (!scope) return q;
  if (!scope.grantIds.length) return q.whereRaw('false');
  return q.where((w) => {
    for (const gid of scope.grantIds) {
      const r = scope.ranges.get(gid)!;
      w.orWhere((x) => x.whereBetween('e.incurred_on', [r.from, r.to]).whereExists(db('expense_parts as sp').whereRaw('sp.expense_id = e.id').where('sp.grant_id', gid)));
    }
  });
}

export async function expenseView(db: Db, id: string, scope: AuditorScope | null, warnings?: Warning[]) {
  const e = await getExpense(db, id);
  if (!e) throw notFound('Dépense');
  if (scope && !(await applyExpenseScope(db, db('expenses as e').where('e.id', id).first('e.id'), scope))) throw notFound('Dépense');
  return presentExpense(e, await expenseParts(db, [id]), warnings);
}

/** Expenses with filters (project, grant, category, status, source, incurred between from and to), newest first by default. */
export async function listExpenses(db: Db, f: ExpenseListQuery, scope: AuditorScope | null) {
  const q = db('expenses as e').select('e.*');
  if (f.projectId) q.where('e.project_id', f.projectId);
  if (f.category) q.where('e.category', f.category);
  if (f.status) q.where('e.status', f.status);
  if (f.source) q.where('e.source', f.source);
  if (f.from) q.where('e.incurred_on', '>=', f.from);
  if (f.to) q.where('e.incurred_on', '<=', f.to);
  if (f.grantId) q.whereExists(db('expense_parts as gp').whereRaw('gp.expense_id = e.id').where('gp.grant_id', f.grantId));
  applyExpenseScope(db, q, scope);
  const page = await paginate<ExpenseRow & Record<string, unknown>>(q, f, { columns: { incurredOn: 'e.incurred_on', createdAt: 'e.created_at', amountCents: 'e.amount_cents', reference: 'e.reference' }, default: '-incurredOn' }, 'e.id');
  const parts = await expenseParts(db, page.items.map((e) => e.id));
  return { items: page.items.map((e) => presentExpense({ ...e, amount_cents: Number(e.amount_cents) }, parts)), nextCursor: page.nextCursor };
}
