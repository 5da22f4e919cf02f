import type { Response } from 'express';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute, keyedFormWork } from '../shared/http.js';
import { hasAnyRole, rolesOf } from '../shared/authorize.js';
import { obj } from '../shared/schema.js';
import { check } from '../shared/validate.js';
import { AppError, notFound } from '../shared/errors.js';
import { formFailure, list, text } from '../shared/form.js';
import { centsToInput, parseEuros } from '../shared/money.js';
import { flash } from '../auth/index.js';
import { COST_CATEGORIES, COST_CATEGORY_LABELS } from '../settings/index.js';
import { page, formBody, actThenRedirect as act, type PageRequest } from '../shared/pages.js';
import { GRANT_READERS, GRANT_WRITERS, assertGrantInScope, scopeRange } from './policy.js';
import { BudgetLineBody, GrantCreateBody, GrantPatchBody, IdParams, LineParams } from './schemas.js';
import { budgetLineUsage, figureLinks, grantView, listGrants } from './presenter.js';
import { createGrantIn, updateGrantIn } from './manage-grants.js';
import { addBudgetLineIn, deleteBudgetLine, updateBudgetLine } from './budget-lines.js';
import { auditorScope } from './scopes.js';
import { expensePages } from './expense-pages.js';
import { projectChoices } from './repo.js';
import { grantsError } from './errors.js';

const ListPageQuery = obj({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  sort: Type.Optional(Type.String({ maxLength: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});
const SORTS = [
  { value: '-createdAt', label: 'Les plus récents' },
  { value: 'funder', label: 'Financeur (A → Z)' },
  { value: 'reference', label: 'Référence' },
  { value: 'periodStart', label: 'Début de période' },
  { value: '-totalCents', label: 'Montant (décroissant)' },
];
export const categoryLabels = COST_CATEGORY_LABELS;
const percentToBp = (v: string) => {
  const s = v.replace(',', '.').replace(/\s|%/g, '');
  return /^\d{1,3}(\.\d{1,2})?$/.test(s) ? Math.round(Number(s) * 100) : v;
};
const bpToPercent = (bp: number) => String(bp / 100).replace('.', ',');
const euros = (v: string) => (v.trim() === '' ? v : (parseEuros(v) ?? v));

/** The grant form's values → the API body (strings kept when not numbers, so validation names the field). */
function grantInput(form: Record<string, string | string[]>) {
  const years = list(form.ceilingYear);
  const amounts = list(form.ceilingEuros);
  const projectIds = list(form.projectId);
  const shares = list(form.sharePercent);
  return {
    funder: text(form.funder),
    programme: text(form.programme),
    axis: text(form.axis),
    agreementNumber: text(form.agreementNumber),
    periodStart: text(form.periodStart),
    periodEnd: text(form.periodEnd),
    totalCents: euros(text(form.totalEuros)),
    cofundingRateBp: percentToBp(text(form.cofundingPercent)),
    eligibleCategories: list(form.eligibleCategories),
    ceilings: years
      .map((y, i) => ({ y: text(y), a: text(amounts[i]) }))
      .filter((c) => c.y || c.a)
      .map((c) => ({ year: /^\d{4}$/.test(c.y) ? Number(c.y) : c.y, ceilingCents: euros(c.a) })),
    projects: projectIds
      .map((p, i) => ({ p: text(p), s: text(shares[i]) }))
      .filter((x) => x.p)
      .map((x) => ({ projectId: x.p, shareBp: percentToBp(x.s) })),
  };
}

/** Field names of the API → the form's (errors shown next to the right input). */
const formField = (f: string) =>
  (({ totalCents: 'totalEuros', cofundingRateBp: 'cofundingPercent' }) as Record<string, string>)[f] ??
  f.replace(/^ceilings\.(\d+)\.(year|ceilingCents)$/, 'ceilings').replace(/^projects\.(\d+)\..*$/, 'projects');

export function grantPages(deps: Deps) {
  const scopeOf = (req: PageRequest) => auditorScope(deps.db, req.ctx.acting);
  const projects = async () => (await projectChoices(deps.db, true)).map((p) => ({ value: p.id, label: p.name }));
  const form = async (
    req: PageRequest,
    res: Response,
    grantId: string | null,
    values: Record<string, unknown>,
    errors: Record<string, string> = {},
    message: string | null = null,
    status = 200,
  ) => {
    await page(
      deps,
      req,
      res,
      'grants/form.njk',
      {
        title: grantId ? 'Modifier le financement' : 'Nouveau financement',
        grantId,
        values,
        errors,
        message,
        categories: COST_CATEGORIES.map((c) => ({ value: c, label: COST_CATEGORY_LABELS[c] })),
        projectOptions: [{ value: '', label: '— Aucune —' }, ...(await projects())],
      },
      status,
    );
  };
  const valuesOf = (g: Awaited<ReturnType<typeof grantView>>) => ({
    funder: g.funder,
    programme: g.programme,
    axis: g.axis,
    agreementNumber: g.agreementNumber,
    periodStart: g.periodStart,
    periodEnd: g.periodEnd,
    totalEuros: centsToInput(g.totalCents),
    cofundingPercent: bpToPercent(g.cofundingRateBp),
    eligibleCategories: g.eligibleCategories,
    version: g.version,
    ceilings: g.ceilings.map((c) => ({ year: c.year, euros: centsToInput(c.ceilingCents) })),
    projects: g.projects.map((p) => ({ projectId: p.projectId, percent: bpToPercent(p.shareBp) })),
  });
  const echo = (f: Record<string, string | string[]>) => ({
    ...Object.fromEntries(
      [
        'funder',
        'programme',
        'axis',
        'agreementNumber',
        'periodStart',
        'periodEnd',
        'totalEuros',
        'cofundingPercent',
        'version',
      ].map((k) => [k, text(f[k])]),
    ),
    eligibleCategories: list(f.eligibleCategories),
    ceilings: list(f.ceilingYear).map((y, i) => ({ year: y, euros: list(f.ceilingEuros)[i] ?? '' })),
    projects: list(f.projectId).map((p, i) => ({ projectId: p, percent: list(f.sharePercent)[i] ?? '' })),
  });
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/grants',
      access: GRANT_READERS,
      summary: 'Grants list (search, sort, pages)',
      query: ListPageQuery,
      handler: async (req, res) => {
        const sort = SORTS.some((s) => s.value === req.query.sort) ? req.query.sort! : '-createdAt';
        const q = (req.query.q ?? '').trim();
        const result = await listGrants(
          deps.db,
          { q: q || undefined, sort, cursor: req.query.cursor, limit: '25' },
          await scopeOf(req),
        );
        const params = new URLSearchParams({ ...(q ? { q } : {}), sort });
        await page(deps, req, res, 'grants/list.njk', {
          title: 'Financements',
          grants: result.items,
          q,
          sort,
          sorts: SORTS,
          canWrite: hasAnyRole(req.ctx.actor, rolesOf(GRANT_WRITERS)),
          nextHref: result.nextCursor ? `/grants?${params}&cursor=${result.nextCursor}` : null,
          categoryLabels,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/grants/new',
      access: GRANT_WRITERS,
      summary: 'New grant form',
      handler: async (req, res) =>
        form(req, res, null, { eligibleCategories: [], ceilings: [], projects: [], cofundingPercent: '50' }),
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/grants/new',
      access: GRANT_WRITERS,
      summary: 'Create a grant from the form',
      idempotent: 'form',
      handler: async (req, res) => {
        const f = formBody(req);
        const input = grantInput(f);
        const checked = check(GrantCreateBody, input);
        try {
          if (!checked.ok) throw new AppError('validation_failed', undefined, checked.details);
          const { id } = await keyedFormWork(deps, req, (trx) =>
            createGrantIn(trx, deps, req.ctx.acting, checked.value),
          );
          await flash(deps, req, 'success', 'Le financement est créé. Ajoutez ses lignes budgétaires.');
          res.redirect(303, `/grants/${id}`);
        } catch (e) {
          const { errors, message } = formFailure(e, formField);
          await form(req, res, null, echo(f), errors, message, 400);
        }
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/grants/:id',
      access: GRANT_READERS,
      summary:
        'Grant detail: budget lines (planned, committed, actual, remaining; a scoped auditor’s range only, without remaining), each figure linked to its expenses; projects funded',
      params: IdParams,
      handler: async (req, res) => {
        const scope = await scopeOf(req);
        assertGrantInScope(scope, req.params.id);
        const range = scopeRange(scope, req.params.id);
        const grant = await grantView(deps.db, req.params.id, undefined, range);
        const lines = await budgetLineUsage(deps.db, req.params.id, range);
        const years: number[] = [];
        for (let y = Number(grant.periodStart.slice(0, 4)); y <= Number(grant.periodEnd.slice(0, 4)); y++)
          years.push(y);
        await page(deps, req, res, 'grants/detail.njk', {
          title: `Financement ${grant.reference}`,
          grant,
          lines,
          canWrite: hasAnyRole(req.ctx.actor, rolesOf(GRANT_WRITERS)),
          categoryLabels,
          auditorRange: range,
          totals: {
            ...lines.reduce(
              (t, l) => ({
                amount: t.amount + l.amountCents,
                committed: t.committed + l.committedCents,
                actual: t.actual + l.actualCents,
                remaining: t.remaining + (l.remainingCents ?? 0),
              }),
              { amount: 0, committed: 0, actual: 0, remaining: 0 },
            ),
            links: figureLinks({ grantId: req.params.id }, range),
          },
          categoryOptions: grant.eligibleCategories.map((c) => ({
            value: c,
            label: COST_CATEGORY_LABELS[c as keyof typeof COST_CATEGORY_LABELS] ?? c,
          })),
          yearOptions: years.map((y) => ({ value: String(y), label: String(y) })),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/grants/:id/edit',
      access: GRANT_WRITERS,
      summary: 'Edit grant form',
      params: IdParams,
      handler: async (req, res) => form(req, res, req.params.id, valuesOf(await grantView(deps.db, req.params.id))),
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/grants/:id/edit',
      access: GRANT_WRITERS,
      summary:
        'Change a grant from the form (optimistic check on its version); new funded projects get their expenses split, so it is keyed like a creation',
      params: IdParams,
      idempotent: 'form',
      handler: async (req, res) => {
        const f = formBody(req);
        const input = { ...grantInput(f), version: Number(text(f.version)) || 0 };
        const checked = check(GrantPatchBody, input);
        try {
          if (!checked.ok) throw new AppError('validation_failed', undefined, checked.details);
          const { warnings } = await keyedFormWork(deps, req, (trx) =>
            updateGrantIn(trx, deps, req.ctx.acting, { id: req.params.id, patch: checked.value }),
          );
          await flash(
            deps,
            req,
            'success',
            warnings.length
              ? `Le financement est modifié. Attention : ${warnings.map((w) => w.message).join(' ; ')}`
              : 'Le financement est modifié.',
          );
          res.redirect(303, `/grants/${req.params.id}`);
        } catch (e) {
          const { errors, message } = formFailure(e, formField);
          await form(req, res, req.params.id, echo(f), errors, message, 400);
        }
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/grants/:id/budget-lines',
      access: GRANT_WRITERS,
      summary: 'Add a budget line from the grant page',
      params: IdParams,
      idempotent: 'form',
      handler: async (req, res) => {
        const f = formBody(req);
        const amount = parseEuros(text(f.amountEuros));
        await act(deps, req, res, `/grants/${req.params.id}`, 'La ligne budgétaire est ajoutée.', async () => {
          const input = { category: text(f.category), year: Number(text(f.year)), amountCents: amount ?? -1 };
          const checked = check(BudgetLineBody, input);
          if (!checked.ok || amount === null)
            throw grantsError(
              'budget_line_invalid',
              checked.ok ? [{ field: 'amountCents', message: 'montant en euros invalide' }] : checked.details,
            );
          return keyedFormWork(deps, req, (trx) =>
            addBudgetLineIn(trx, deps, req.ctx.acting, { ...checked.value, grantId: req.params.id }),
          );
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/grants/:id/budget-lines/:lineId',
      access: GRANT_WRITERS,
      summary: 'Change a budget line amount from the grant page',
      params: LineParams,
      handler: async (req, res) => {
        const amount = parseEuros(text(formBody(req).amountEuros));
        await act(deps, req, res, `/grants/${req.params.id}`, 'Le montant de la ligne est modifié.', async () => {
          if (amount === null)
            throw grantsError('amount_invalid', [{ field: 'amountCents', message: 'indiquez un montant en euros' }]);
          return updateBudgetLine(deps, req.ctx.acting, {
            grantId: req.params.id,
            lineId: req.params.lineId,
            amountCents: amount,
          });
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/grants/:id/budget-lines/:lineId/delete',
      access: GRANT_WRITERS,
      summary: 'Confirm deleting a budget line',
      params: LineParams,
      handler: async (req, res) => {
        const grant = await grantView(deps.db, req.params.id);
        const line = grant.budgetLines.find((l) => l.id === req.params.lineId);
        if (!line) throw notFound('Ligne budgétaire');
        await page(deps, req, res, 'grants/confirm-line.njk', {
          title: 'Supprimer la ligne budgétaire',
          grant,
          line,
          categoryLabels,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/grants/:id/budget-lines/:lineId/delete',
      access: GRANT_WRITERS,
      summary: 'Delete a budget line (after confirmation)',
      params: LineParams,
      handler: async (req, res) => {
        await act(deps, req, res, `/grants/${req.params.id}`, 'La ligne budgétaire est supprimée.', () =>
          deleteBudgetLine(deps, req.ctx.acting, { grantId: req.params.id, lineId: req.params.lineId }),
        );
      },
    }),
    ...expensePages(deps),
  ];
}
