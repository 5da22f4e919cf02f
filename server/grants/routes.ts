import type { Response } from 'express';
import type { Deps } from '../shared/deps.js';
import { defineRoute, type RequestContext } from '../shared/http.js';
import { notFound } from '../shared/errors.js';
import { sendStoredFile } from '../shared/files.js';
import {
  BudgetLineBody,
  BudgetLinePatch,
  CancelBody,
  ExpenseCreateBody,
  ExpenseList,
  ExpenseListQuery,
  ExpenseView,
  GrantCreateBody,
  GrantList,
  GrantListQuery,
  GrantPatchBody,
  GrantView,
  ExpenseIdParams,
  IdParams,
  InvoiceBody,
  LineParams,
  PaidBody,
  ScopeBody,
  ScopeList,
  ScopeParams,
  ScopeView,
} from './schemas.js';
import { EXPENSE_WRITERS, GRANT_READERS, GRANT_WRITERS, assertGrantInScope, scopeRange } from './policy.js';
import { expenseView, grantView, listExpenses, listGrants } from './presenter.js';
import { createGrantIn, updateGrant } from './manage-grants.js';
import { addBudgetLineIn, deleteBudgetLine, updateBudgetLine } from './budget-lines.js';
import { cancelExpense, createInvoiceExpenseIn, enterBookingInvoiceIn, markExpensePaid } from './expenses.js';
import { auditorScope, listScopes, removeScope, setScope } from './scopes.js';
import { downloadInvoice } from './invoice-file.js';

type Upload = { buffer: Buffer; originalname?: string } | undefined;
const fileOf = (req: unknown) => (req as { file?: Upload }).file;
/** Over a budget line: finance may repeat the request with override.reason. */
const BUDGET_ERRORS = ['budget_exceeded_requires_override', 'override_forbidden'] as const;

export function grantRoutes(deps: Deps) {
  const scopeOf = (ctx: RequestContext) => auditorScope(deps.db, ctx.acting);
  return [
    defineRoute({
      method: 'get',
      path: '/api/grants',
      access: GRANT_READERS,
      tags: ['grants'],
      summary:
        'Grants (financements): search q (funder, reference, agreement number), sort funder|reference|periodStart|createdAt|totalCents, keyset pages; a scoped auditor sees only their grants',
      query: GrantListQuery,
      responses: { 200: { description: 'A page of grants', schema: GrantList } },
      handler: async (req, res) => {
        res.json(await listGrants(deps.db, req.query, await scopeOf(req.ctx)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/grants',
      access: GRANT_WRITERS,
      tags: ['grants'],
      summary:
        'Create a grant with its annual ceilings and funded projects (shares in basis points; a project’s shares across grants ≤ 10000, checked under the project’s lock); its projects’ expenses are re-split',
      body: GrantCreateBody,
      responses: { 201: { description: 'Created (warnings: lines overspent by the re-split)', schema: GrantView } },
      idempotent: true,
      handler: async (req, trx) => {
        const { id, warnings } = await createGrantIn(trx, deps, req.ctx.acting, req.body);
        return { status: 201, body: await grantView(trx, id, warnings) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/grants/:id',
      access: GRANT_READERS,
      tags: ['grants'],
      summary:
        'One grant with ceilings, projects and budget lines (planned, committed, actual, remaining), each figure linked to the expense list (/expenses) filtered to the parts behind it. A scoped auditor gets the lines’ figures of their range, by the grant dashboard’s rule (committed by day of service, actual by payment day), without remaining',
      params: IdParams,
      responses: { 200: { description: 'Grant', schema: GrantView } },
      handler: async (req, res) => {
        const scope = await scopeOf(req.ctx);
        assertGrantInScope(scope, req.params.id);
        res.json(await grantView(deps.db, req.params.id, undefined, scopeRange(scope, req.params.id)));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/grants/:id',
      access: GRANT_WRITERS,
      tags: ['grants'],
      summary:
        'Change a grant (optimistic check on version); projects replaces the funded projects and re-splits their expenses',
      params: IdParams,
      body: GrantPatchBody,
      responses: { 200: { description: 'Grant', schema: GrantView } },
      errors: ['version_conflict'],
      handler: async (req, res) => {
        const { warnings } = await updateGrant(deps, req.ctx.acting, { id: req.params.id, patch: req.body });
        res.json(await grantView(deps.db, req.params.id, warnings));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/grants/:id/budget-lines',
      access: GRANT_WRITERS,
      tags: ['grants'],
      summary: 'Add a budget line (category × year inside the period)',
      params: IdParams,
      body: BudgetLineBody,
      responses: { 201: { description: 'Grant', schema: GrantView } },
      errors: ['budget_line_exists'],
      idempotent: true,
      handler: async (req, trx) => {
        const { warnings } = await addBudgetLineIn(trx, deps, req.ctx.acting, { ...req.body, grantId: req.params.id });
        return { status: 201, body: await grantView(trx, req.params.id, warnings) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/grants/:id/budget-lines/:lineId',
      access: GRANT_WRITERS,
      tags: ['grants'],
      summary: 'Change a budget line’s amount',
      params: LineParams,
      body: BudgetLinePatch,
      responses: { 200: { description: 'Grant', schema: GrantView } },
      handler: async (req, res) => {
        await updateBudgetLine(deps, req.ctx.acting, {
          grantId: req.params.id,
          lineId: req.params.lineId,
          amountCents: req.body.amountCents,
        });
        res.json(await grantView(deps.db, req.params.id));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/grants/:id/budget-lines/:lineId',
      access: GRANT_WRITERS,
      tags: ['grants'],
      summary: 'Delete a budget line no expense uses',
      params: LineParams,
      responses: { 200: { description: 'Grant', schema: GrantView } },
      errors: ['budget_line_in_use'],
      handler: async (req, res) => {
        await deleteBudgetLine(deps, req.ctx.acting, { grantId: req.params.id, lineId: req.params.lineId });
        res.json(await grantView(deps.db, req.params.id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/grants/:id/auditor-scopes',
      access: GRANT_WRITERS,
      tags: ['grants'],
      summary: 'Auditors limited to this grant, with their date ranges and expiries',
      params: IdParams,
      responses: { 200: { description: 'Scopes', schema: ScopeList } },
      handler: async (req, res) => {
        res.json({ items: await listScopes(deps.db, req.params.id) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/grants/:id/auditor-scopes',
      access: GRANT_WRITERS,
      tags: ['grants'],
      summary:
        'Limit an auditor (role auditor) to this grant, expenses between fromDate and toDate, until expiresAt; an auditor with any scope sees only unexpired scoped grants',
      params: IdParams,
      body: ScopeBody,
      responses: { 200: { description: 'Scope', schema: ScopeView } },
      handler: async (req, res) => {
        res.json(await setScope(deps, req.ctx.acting, { ...req.body, grantId: req.params.id }));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/grants/:id/auditor-scopes/:userId',
      access: GRANT_WRITERS,
      tags: ['grants'],
      summary: 'Remove an auditor’s scope on this grant',
      params: ScopeParams,
      responses: { 204: { description: 'Removed' } },
      handler: async (req, res) => {
        await removeScope(deps, req.ctx.acting, { grantId: req.params.id, userId: req.params.userId });
        res.status(204).end();
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/expenses',
      access: GRANT_READERS,
      tags: ['expenses'],
      summary:
        'Expenses with their parts per grant and budget line; filters projectId, grantId, budgetLineId, category, status (one or several: committed,actual), source, from/to (days of service), paidFrom/paidTo (payment days); count and totalCents over all pages — filtered by grant or budget line, only the parts on it count (listedCents), so a dashboard link gives its figure; a scoped auditor sees only the parts of their grants and range; sort incurredOn|createdAt|amountCents|reference|paidOn (status=actual only; the default, newest first, when paidFrom or paidTo is given)',
      query: ExpenseListQuery,
      responses: { 200: { description: 'A page of expenses', schema: ExpenseList } },
      handler: async (req, res) => {
        res.json(await listExpenses(deps.db, req.query, await scopeOf(req.ctx)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/expenses',
      access: EXPENSE_WRITERS,
      tags: ['expenses'],
      summary:
        'Enter an invoice (multipart: file PDF/JPEG/PNG checked by content, projectId, category, amountCents, incurredOn, optional paidOn → actual at once); split across the project’s grants',
      body: ExpenseCreateBody,
      upload: { field: 'file' },
      responses: { 201: { description: 'Created (warnings no_budget_line)', schema: ExpenseView } },
      errors: [...BUDGET_ERRORS, 'file_too_large', 'malformed_form'],
      idempotent: true,
      handler: async (req, trx) => {
        const { id, warnings } = await createInvoiceExpenseIn(trx, deps, req.ctx.acting, {
          ...req.body,
          file: fileOf(req),
        });
        return { status: 201, body: await expenseView(trx, id, null, warnings) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/expenses/:id',
      access: GRANT_READERS,
      tags: ['expenses'],
      summary: 'One expense with its parts per grant and budget line',
      params: ExpenseIdParams,
      responses: { 200: { description: 'Expense', schema: ExpenseView } },
      handler: async (req, res) => {
        res.json(await expenseView(deps.db, req.params.id, await scopeOf(req.ctx)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/expenses/:id/invoice',
      access: EXPENSE_WRITERS,
      tags: ['expenses'],
      summary:
        'Enter the invoice of a booking (or invoice) expense (multipart: file, paidOn, optional corrected amountCents): actual on paidOn',
      params: ExpenseIdParams,
      body: InvoiceBody,
      upload: { field: 'file' },
      responses: { 200: { description: 'Expense', schema: ExpenseView } },
      errors: [
        ...BUDGET_ERRORS,
        'expense_follows_claim',
        'expense_cancelled',
        'expense_in_drawdown',
        'file_too_large',
        'malformed_form',
      ],
      idempotent: true,
      handler: async (req, trx) => {
        const { warnings } = await enterBookingInvoiceIn(trx, deps, req.ctx.acting, {
          ...req.body,
          expenseId: req.params.id,
          file: fileOf(req),
        });
        return { status: 200, body: await expenseView(trx, req.params.id, null, warnings) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/expenses/:id/invoice',
      access: GRANT_READERS,
      tags: ['expenses'],
      summary: 'Download the invoice file (audited with its SHA-256)',
      params: ExpenseIdParams,
      responses: { 200: { description: 'The file', contentType: 'application/pdf' } },
      handler: async (req, res) => {
        await expenseView(deps.db, req.params.id, await scopeOf(req.ctx));
        sendFile(res, await downloadInvoice(deps, req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/expenses/:id/paid',
      access: EXPENSE_WRITERS,
      tags: ['expenses'],
      summary: 'Mark an invoice or booking expense paid on paidOn (actual)',
      params: ExpenseIdParams,
      body: PaidBody,
      responses: { 200: { description: 'Expense', schema: ExpenseView } },
      errors: ['expense_follows_claim', 'expense_cancelled', 'expense_already_paid'],
      handler: async (req, res) => {
        await markExpensePaid(deps, req.ctx.acting, { expenseId: req.params.id, paidOn: req.body.paidOn });
        res.json(await expenseView(deps.db, req.params.id, null));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/expenses/:id/cancel',
      access: EXPENSE_WRITERS,
      tags: ['expenses'],
      summary: 'Cancel an invoice or booking expense not in a drawdown (idempotent)',
      params: ExpenseIdParams,
      body: CancelBody,
      responses: { 200: { description: 'Expense', schema: ExpenseView } },
      errors: ['claim_expense_not_cancellable', 'drawn_expense_not_cancellable'],
      handler: async (req, res) => {
        await cancelExpense(deps, req.ctx.acting, req.params.id);
        res.json(await expenseView(deps.db, req.params.id, null));
      },
    }),
  ];
}

export function sendFile(res: Response, file: { content: Buffer; mediaType: string; filename: string } | null) {
  if (!file) throw notFound('Facture');
  sendStoredFile(res, file, { download: true });
}
