import type { Response } from 'express';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute, keyedFormWork } from '../shared/http.js';
import { hasAnyRole, rolesOf } from '../shared/authorize.js';
import { formatDate } from '../shared/format.js';
import { AppError } from '../shared/errors.js';
import { obj } from '../shared/schema.js';
import { check } from '../shared/validate.js';
import { formFailure, text } from '../shared/form.js';
import { parseEuros } from '../shared/money.js';
import { flash } from '../auth/index.js';
import { COST_CATEGORIES, COST_CATEGORY_LABELS, type CostCategory } from '../settings/index.js';
import { page, formBody, actThenRedirect as act, type PageRequest } from '../shared/pages.js';
import {
  BUDGET_OVERRIDE_ROLES,
  EXPENSE_LIST_READERS,
  EXPENSE_WRITERS,
  GRANT_READERS,
  type AuditorScope,
} from './policy.js';
import {
  EXPENSE_SOURCE_LABELS,
  EXPENSE_STATUSES,
  EXPENSE_STATUS_LABELS,
  ExpenseCreateBody,
  ExpenseIdParams,
  type ExpenseListQuery,
} from './schemas.js';
import { expenseView, listExpenses } from './presenter.js';
import { cancelExpense, createInvoiceExpenseIn, enterBookingInvoiceIn, markExpensePaid } from './expenses.js';
import { auditorScope } from './scopes.js';
import { downloadInvoice } from './invoice-file.js';
import { budgetLineLabel, expenseLinks, grantChoices, projectChoices } from './repo.js';
import { sendFile } from './routes.js';
import { grantsError } from './errors.js';

const FilterQuery = obj({
  projectId: Type.Optional(Type.String({ maxLength: 40 })),
  grantId: Type.Optional(Type.String({ maxLength: 40 })),
  budgetLineId: Type.Optional(Type.String({ maxLength: 40 })),
  category: Type.Optional(Type.String({ maxLength: 20 })),
  status: Type.Optional(Type.String({ maxLength: 40 })),
  from: Type.Optional(Type.String({ maxLength: 10 })),
  to: Type.Optional(Type.String({ maxLength: 10 })),
  paidFrom: Type.Optional(Type.String({ maxLength: 10 })),
  paidTo: Type.Optional(Type.String({ maxLength: 10 })),
  sort: Type.Optional(Type.String({ maxLength: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});
const uuid = (v: string | undefined) => (v && /^[0-9a-f-]{36}$/i.test(v) ? v : undefined);
const day = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);
/** Statuses asked (`committed,actual`…), known ones only, in a fixed order. */
const statusesOf = (v: string | undefined) => {
  const asked = (v ?? '').split(',');
  const known = EXPENSE_STATUSES.filter((x) => asked.includes(x));
  return known.length ? known.join(',') : undefined;
};
const STATUS_TEXT: Record<string, string> = {
  actual: 'réalisées (payées)',
  committed: 'engagées, pas encore payées',
  'committed,actual': 'engagées (payées ou non)',
  cancelled: 'annulées',
};
const SORTS = [
  { value: '-incurredOn', label: 'Date de service, la plus récente d’abord' },
  { value: 'incurredOn', label: 'Date de service, la plus ancienne d’abord' },
  { value: '-amountCents', label: 'Montant décroissant' },
  { value: 'amountCents', label: 'Montant croissant' },
  { value: 'reference', label: 'Référence' },
  { value: '-paidOn', label: 'Date de paiement, la plus récente d’abord (dépenses réalisées)' },
  { value: 'paidOn', label: 'Date de paiement, la plus ancienne d’abord (dépenses réalisées)' },
];
const READ_EXPENSE = rolesOf(GRANT_READERS);
const labels = {
  statusLabels: EXPENSE_STATUS_LABELS,
  sourceLabels: EXPENSE_SOURCE_LABELS,
  categoryLabels: COST_CATEGORY_LABELS,
};
const FIELDS = [
  'projectId',
  'category',
  'description',
  'supplier',
  'invoiceNumber',
  'amountEuros',
  'incurredOn',
  'paidOn',
];

export function expensePages(deps: Deps) {
  const scopeOf = (req: PageRequest) => auditorScope(deps.db, req.ctx.acting);
  // A scoped auditor is offered only their grants.
  const options = async (scope: AuditorScope | null = null) => ({
    projectOptions: [
      { value: '', label: 'Toutes' },
      ...(await projectChoices(deps.db)).map((p) => ({ value: p.id, label: p.name })),
    ],
    grantOptions: [
      { value: '', label: 'Tous' },
      ...(await grantChoices(deps.db))
        .filter((g) => !scope || scope.grantIds.includes(g.id))
        .map((g) => ({ value: g.id, label: `${g.reference} — ${g.funder}` })),
    ],
    categoryOptions: [
      { value: '', label: 'Toutes' },
      ...COST_CATEGORIES.map((c) => ({ value: c, label: COST_CATEGORY_LABELS[c] })),
    ],
    statusOptions: [
      { value: '', label: 'Tous' },
      { value: 'committed,actual', label: 'Engagée (payée ou non)' },
      ...EXPENSE_STATUSES.map((s) => ({
        value: s,
        label: s === 'committed' ? 'Engagée, pas encore payée' : EXPENSE_STATUS_LABELS[s],
      })),
    ],
  });
  const form = async (
    req: PageRequest,
    res: Response,
    values: Record<string, string>,
    errors: Record<string, string> = {},
    message: string | null = null,
    override: { details: string[] } | null = null,
    status = 200,
  ) => {
    const o = await options();
    await page(
      deps,
      req,
      res,
      'grants/expense-form.njk',
      {
        title: 'Saisir une facture',
        values,
        errors,
        message,
        override,
        projectOptions: [{ value: '', label: '— Choisir —' }, ...o.projectOptions.slice(1)],
        categoryOptions: [{ value: '', label: '— Choisir —' }, ...o.categoryOptions.slice(1)],
      },
      status,
    );
  };
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/expenses',
      access: EXPENSE_LIST_READERS,
      query: FilterQuery,
      summary:
        'Expenses list: filters project, grant, budget line, category, status (one or several: committed,actual), days of service, payment days; shows the active filters and the sum of what they select (filtered by grant or budget line, only the parts on it): the dashboard figure a link stands for; sorted, paginated',
      handler: async (req, res) => {
        const q = req.query;
        const f = {
          projectId: uuid(q.projectId),
          grantId: uuid(q.grantId),
          budgetLineId: uuid(q.budgetLineId),
          category: (COST_CATEGORIES as readonly string[]).includes(q.category ?? '') ? q.category : undefined,
          status: statusesOf(q.status),
          from: day(q.from),
          to: day(q.to),
          paidFrom: day(q.paidFrom),
          paidTo: day(q.paidTo),
        };
        // Payment days sort actual expenses only; a list of payment days is by payment day first.
        const paidOnly = f.status === 'actual';
        const defaultSort = paidOnly && (f.paidFrom || f.paidTo) ? '-paidOn' : SORTS[0].value;
        const sort =
          SORTS.some((o) => o.value === q.sort) && (paidOnly || !q.sort!.endsWith('paidOn')) ? q.sort! : defaultSort;
        const scope = await scopeOf(req);
        const result = await listExpenses(
          deps.db,
          { ...f, sort, cursor: q.cursor, limit: '25' } as ExpenseListQuery,
          scope,
        );
        const params = new URLSearchParams(Object.entries(f).filter(([, v]) => v) as [string, string][]);
        const filtered = params.size > 0;
        if (sort !== defaultSort) params.set('sort', sort);
        const o = await options(scope);
        const line = f.budgetLineId ? await budgetLineLabel(deps.db, f.budgetLineId) : undefined;
        const nameOf = (list: { value: string; label: string }[], id: string | undefined) =>
          list.find((x) => x.value === id)?.label;
        const range = (a?: string, b?: string) => `du ${a ? formatDate(a) : '…'} au ${b ? formatDate(b) : '…'}`;
        const active = [
          f.grantId ? `financement ${nameOf(o.grantOptions, f.grantId) ?? 'inconnu'}` : null,
          line
            ? `ligne budgétaire ${COST_CATEGORY_LABELS[line.category as CostCategory] ?? line.category} ${line.year} (${line.grant_reference})`
            : f.budgetLineId
              ? 'ligne budgétaire inconnue'
              : null,
          f.projectId ? `démarche ${nameOf(o.projectOptions, f.projectId) ?? 'inconnue'}` : null,
          f.category ? `catégorie « ${COST_CATEGORY_LABELS[f.category as CostCategory]} »` : null,
          f.status
            ? `dépenses ${
                STATUS_TEXT[f.status] ??
                f.status
                  .split(',')
                  .map((x) => EXPENSE_STATUS_LABELS[x as keyof typeof EXPENSE_STATUS_LABELS].toLowerCase())
                  .join(' ou ')
              }`
            : null,
          f.from || f.to ? `service ${range(f.from, f.to)}` : null,
          f.paidFrom || f.paidTo ? `payées ${range(f.paidFrom, f.paidTo)}` : null,
        ].filter((x): x is string => !!x);
        const byParts = !!(f.grantId || f.budgetLineId || scope);
        await page(deps, req, res, 'grants/expenses.njk', {
          title: 'Dépenses',
          expenses: result.items,
          count: result.count,
          totalCents: result.totalCents,
          filters: f,
          active,
          byParts,
          scoped: !!scope,
          sort,
          sortOptions: paidOnly ? SORTS : SORTS.filter((o) => !o.value.endsWith('paidOn')),
          sortLabel: SORTS.find((x) => x.value === sort)!.label,
          ...o,
          canWrite: hasAnyRole(req.ctx.actor, rolesOf(EXPENSE_WRITERS)),
          canOpen: hasAnyRole(req.ctx.actor, READ_EXPENSE),
          dashboardHref: f.grantId && hasAnyRole(req.ctx.actor, READ_EXPENSE) ? `/grants/${f.grantId}/dashboard` : null,
          nextHref: result.nextCursor
            ? `/expenses?${params}${params.size ? '&' : ''}cursor=${result.nextCursor}`
            : null,
          filtered,
          ...labels,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/expenses/new',
      access: EXPENSE_WRITERS,
      summary: 'Invoice entry form',
      handler: async (req, res) => form(req, res, {}),
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/expenses/new',
      access: EXPENSE_WRITERS,
      summary: 'Enter an invoice from the form (multipart with the file); over budget, finance confirms with a reason',
      upload: { field: 'file' },
      idempotent: 'form',
      handler: async (req, res) => {
        const f = formBody(req);
        const values = Object.fromEntries(FIELDS.map((k) => [k, text(f[k])]));
        const cents = parseEuros(values.amountEuros);
        const reason = text(f.overrideReason);
        const input = Object.fromEntries(
          Object.entries({
            projectId: values.projectId,
            category: values.category,
            description: values.description,
            supplier: values.supplier,
            invoiceNumber: values.invoiceNumber,
            amountCents: cents === null ? values.amountEuros || undefined : String(cents),
            incurredOn: values.incurredOn,
            paidOn: values.paidOn,
          }).filter(([, v]) => v !== '' && v !== undefined),
        );
        const file = (req as unknown as { file?: { buffer: Buffer; originalname?: string } }).file;
        try {
          const checked = check(ExpenseCreateBody, input);
          if (!checked.ok) throw new AppError('validation_failed', undefined, checked.details);
          const { id, warnings } = await keyedFormWork(deps, req, (trx) =>
            createInvoiceExpenseIn(trx, deps, req.ctx.acting, {
              ...checked.value,
              file,
              override: reason ? { reason } : undefined,
            }),
          );
          await flash(
            deps,
            req,
            'success',
            warnings.length
              ? `La dépense est enregistrée. ${warnings.map((w) => w.message).join(' ')}`
              : 'La dépense est enregistrée.',
          );
          res.redirect(303, `/expenses/${id}`);
        } catch (e) {
          if (e instanceof AppError && e.code === 'budget_exceeded_requires_override') {
            const mayOverride = hasAnyRole(req.ctx.actor, BUDGET_OVERRIDE_ROLES);
            return form(
              req,
              res,
              values,
              {},
              `${e.message} Joignez à nouveau la facture.`,
              mayOverride ? { details: e.details.map((d) => d.message) } : null,
              409,
            );
          }
          const { errors, message } = formFailure(e, (field) => (field === 'amountCents' ? 'amountEuros' : field));
          await form(req, res, values, errors, message, null, 400);
        }
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/expenses/:id',
      access: GRANT_READERS,
      summary: 'Expense detail: parts per grant and budget line, source, invoice',
      params: ExpenseIdParams,
      handler: async (req, res) => {
        const expense = await expenseView(deps.db, req.params.id, await scopeOf(req));
        const links = await expenseLinks(deps.db, expense.projectId, expense.claimId);
        await page(deps, req, res, 'grants/expense.njk', {
          title: `Dépense ${expense.reference}`,
          expense,
          ...links,
          scoped: !!(await scopeOf(req)),
          canWrite:
            hasAnyRole(req.ctx.actor, rolesOf(EXPENSE_WRITERS)) &&
            expense.source !== 'claim_line' &&
            expense.status !== 'cancelled',
          ...labels,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/expenses/:id/invoice',
      access: GRANT_READERS,
      summary: 'Download the invoice (audited)',
      params: ExpenseIdParams,
      handler: async (req, res) => {
        await expenseView(deps.db, req.params.id, await scopeOf(req));
        sendFile(res, await downloadInvoice(deps, req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/expenses/:id/paid',
      access: EXPENSE_WRITERS,
      summary: 'Mark an expense paid from its page',
      params: ExpenseIdParams,
      handler: async (req, res) => {
        const paidOn = text(formBody(req).paidOn);
        await act(deps, req, res, `/expenses/${req.params.id}`, 'La dépense est marquée payée.', async () => {
          if (!day(paidOn))
            throw grantsError('paid_on_invalid', [{ field: 'paidOn', message: 'indiquez la date (AAAA-MM-JJ)' }]);
          return markExpensePaid(deps, req.ctx.acting, { expenseId: req.params.id, paidOn });
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/expenses/:id/invoice',
      access: EXPENSE_WRITERS,
      summary: 'Enter the invoice of a booking expense from its page (multipart): actual on the payment day',
      params: ExpenseIdParams,
      upload: { field: 'file' },
      idempotent: 'form',
      handler: async (req, res) => {
        const f = formBody(req);
        const paidOn = text(f.paidOn);
        const corrected = text(f.amountEuros);
        const cents = corrected ? parseEuros(corrected) : undefined;
        const reason = text(f.overrideReason);
        const file = (req as unknown as { file?: { buffer: Buffer; originalname?: string } }).file;
        await act(
          deps,
          req,
          res,
          `/expenses/${req.params.id}`,
          'La facture est enregistrée : la dépense est réalisée.',
          async () => {
            if (!day(paidOn))
              throw grantsError('paid_on_invalid', [{ field: 'paidOn', message: 'indiquez la date (AAAA-MM-JJ)' }]);
            if (cents === null)
              throw grantsError('amount_invalid', [{ field: 'amountCents', message: 'indiquez un montant en euros' }]);
            return keyedFormWork(deps, req, (trx) =>
              enterBookingInvoiceIn(trx, deps, req.ctx.acting, {
                expenseId: req.params.id,
                paidOn,
                ...(cents !== undefined ? { amountCents: String(cents) } : {}),
                file,
                override: reason ? { reason } : undefined,
              }),
            );
          },
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/expenses/:id/cancel',
      access: EXPENSE_WRITERS,
      summary: 'Confirm cancelling an expense',
      params: ExpenseIdParams,
      handler: async (req, res) => {
        const expense = await expenseView(deps.db, req.params.id, null);
        await page(deps, req, res, 'grants/expense-cancel.njk', {
          title: `Annuler la dépense ${expense.reference}`,
          expense,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/expenses/:id/cancel',
      access: EXPENSE_WRITERS,
      summary: 'Cancel an expense (after confirmation)',
      params: ExpenseIdParams,
      handler: async (req, res) => {
        await act(deps, req, res, `/expenses/${req.params.id}`, 'La dépense est annulée.', () =>
          cancelExpense(deps, req.ctx.acting, req.params.id),
        );
      },
    }),
  ];
}
