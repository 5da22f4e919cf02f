import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute, type RequestContext } from '../shared/http.js';
import { hasAnyRole } from '../shared/authorize.js';
import { obj, Uuid } from '../shared/schema.js';
import { AppError } from '../shared/errors.js';
import { text } from '../shared/form.js';
import { localDay } from '../shared/dates.js';
import { idempotent } from '../shared/idempotency.js';
import { validate } from '../shared/validate.js';
import { auditActorOf } from '../audit/index.js';
import { COST_CATEGORIES, COST_CATEGORY_LABELS, getSettings, type CostCategory } from '../settings/index.js';
import { EXPENSE_SOURCE_LABELS, EXPENSE_STATUS_LABELS } from '../grants/index.js';
import { page, formBody, actThenRedirect } from '../web.js';
import { BEHIND_READERS, DASHBOARD_READERS, DRAWDOWN_WRITERS, REPORT_EXPORTERS } from './policy.js';
import { expensesBehind } from './repo.js';
import { DrawdownBody, GrantIdParams, NotesBody } from './schemas.js';
import { grantInScope, grantScopeOf, visiblePeriod } from './access.js';
import { grantDashboard } from './dashboard.js';
import { budgetCharts } from './charts.js';
import { financialReport, saveNotes } from './financial-report.js';
import { createDrawdown, drawdownList, previewDrawdown } from './drawdowns.js';
import { periodOf } from './routes.js';

const BehindQuery = obj({
  grantId: Type.Optional(Uuid), projectId: Type.Optional(Uuid), budgetLineId: Type.Optional(Uuid), category: Type.Optional(Type.Union(COST_CATEGORIES.map((c) => Type.Literal(c)))),
  status: Type.Optional(Type.Union([Type.Literal('actual'), Type.Literal('committed'), Type.Literal('committed,actual')])),
  paidFrom: Type.Optional(Type.String({ format: 'date' })), paidTo: Type.Optional(Type.String({ format: 'date' })),
});
const BEHIND_LIMIT = 500;
const STATUS_TEXT: Record<string, string> = { actual: 'réalisées (payées)', committed: 'engagées, pas encore payées', 'committed,actual': 'engagées (payées ou non)' };
const ExportsQuery = obj({ year: Type.Optional(Type.String({ maxLength: 4 })), from: Type.Optional(Type.String({ maxLength: 10 })), to: Type.Optional(Type.String({ maxLength: 10 })) });
const DayRange = obj({ from: Type.Optional(Type.String({ format: 'date' })), to: Type.Optional(Type.String({ format: 'date' })) });

export function grantReportPages(deps: Deps) {
  const scoped = async (ctx: RequestContext, id: string) => {
    const scope = await grantScopeOf(deps.db, ctx.actor, deps.now());
    return { scope, grant: await grantInScope(deps.db, scope, id) };
  };
  return [
    defineRoute({
      kind: 'page', method: 'get', path: '/grant-reports/expenses', access: BEHIND_READERS, query: BehindQuery,
      summary: 'The expenses (or, for a grant, the expense parts) behind a dashboard figure, with their sum; filters grantId or projectId, budgetLineId, category, status, paidFrom/paidTo',
      handler: async (req, res) => {
        const q = req.query;
        if (!q.grantId && !q.projectId) throw new AppError('validation_failed', undefined, [{ field: 'grantId', message: 'indiquez un financement ou un projet' }]);
        const scope = await grantScopeOf(deps.db, req.ctx.actor, deps.now());
        const grant = q.grantId ? await grantInScope(deps.db, scope, q.grantId) : null;
        if (!grant && !scope.all) throw new AppError('forbidden', 'Votre accès d’auditeur est limité à certains financements.');
        const statuses = (q.status ?? 'committed,actual').split(',');
        const result = await expensesBehind(deps.db, { ...q, statuses }, BEHIND_LIMIT);
        const filters = [
          grant ? `financement ${grant.reference} (${grant.funder})` : null, q.category ? `catégorie « ${COST_CATEGORY_LABELS[q.category as CostCategory]} »` : null,
          q.budgetLineId ? 'une ligne budgétaire' : null, `dépenses ${STATUS_TEXT[q.status ?? 'committed,actual']}`,
          q.paidFrom || q.paidTo ? `payées du ${q.paidFrom ?? '…'} au ${q.paidTo ?? '…'}` : null,
        ].filter(Boolean).join(', ');
        await page(deps, req, res, 'grant-reports/behind.njk', {
          title: 'Dépenses derrière un montant', result, filters, byPart: !!grant, limit: BEHIND_LIMIT, back: grant ? `/grants/${grant.id}/dashboard` : `/projects/${q.projectId}/dashboard`,
          categoryLabels: COST_CATEGORY_LABELS, statusLabels: EXPENSE_STATUS_LABELS, sourceLabels: EXPENSE_SOURCE_LABELS,
        });
      },
    }),
    defineRoute({
      kind: 'page', method: 'get', path: '/grants/:id/dashboard', access: DASHBOARD_READERS, summary: 'Grant budget dashboard', params: GrantIdParams,
      handler: async (req, res) => {
        const { grant } = await scoped(req.ctx, req.params.id);
        const dashboard = await grantDashboard(deps, grant);
        await page(deps, req, res, 'grant-reports/dashboard.njk', {
          title: `Budget — ${grant.funder} (${grant.reference})`, grant, dashboard, charts: budgetCharts(dashboard),
          rows: {
            categories: dashboard.byCategory.map((c) => ({ ...c, rowLabel: c.label })),
            lines: dashboard.byLine.map((l) => ({ ...l, rowLabel: `${l.label} ${l.year}` })),
            projects: dashboard.byProject.map((p) => ({ ...p, rowLabel: `${p.name}${p.shareBp !== null ? ` (part ${p.shareBp / 100} %)` : ''}` })),
          },
          canExport: hasAnyRole(req.ctx.actor, ['finance', 'auditor', 'admin']),
        });
      },
    }),
    defineRoute({
      kind: 'page', method: 'get', path: '/grants/:id/exports', access: REPORT_EXPORTERS, summary: 'Funder documents of a grant: statement, financial report, drawdowns, evidence bundle', params: GrantIdParams, query: ExportsQuery,
      handler: async (req, res) => {
        const { scope, grant } = await scoped(req.ctx, req.params.id);
        const { settings } = await getSettings(deps.db);
        const visible = visiblePeriod(scope, grant);
        const thisYear = Number(localDay(deps.now(), settings.timeZone).slice(0, 4));
        const firstYear = Number(visible.from.slice(0, 4));
        const lastYear = Number(visible.to.slice(0, 4));
        const asked = Number(req.query.year);
        const year = Number.isInteger(asked) && asked >= firstYear && asked <= lastYear ? asked : Math.min(lastYear, Math.max(firstYear, thisYear));
        const canWrite = hasAnyRole(req.ctx.actor, ['finance', 'admin']);
        const yearFullyVisible = scope.all || (visible.from <= `${year}-01-01` && visible.to >= `${year}-12-31`);
        await page(deps, req, res, 'grant-reports/exports.njk', {
          title: `Documents pour le financeur — ${grant.reference}`, grant, visible, year, canWrite,
          years: Array.from({ length: lastYear - firstYear + 1 }, (_, i) => firstYear + i),
          report: yearFullyVisible ? await financialReport(deps, grant, year) : null,
          drawdowns: (await drawdownList(deps.db, grant.id)).filter((d) => scope.all || (d.from >= visible.from && d.to <= visible.to)),
        });
      },
    }),
    defineRoute({
      kind: 'page', method: 'get', path: '/grants/:id/drawdowns/new', access: DRAWDOWN_WRITERS, summary: 'Confirm a drawdown: what it would request', params: GrantIdParams, query: DayRange,
      handler: async (req, res) => {
        const { scope, grant } = await scoped(req.ctx, req.params.id);
        const { from, to } = periodOf(req.query, scope, grant);
        await page(deps, req, res, 'grant-reports/drawdown-confirm.njk', { title: `Demande de versement — ${grant.reference}`, grant, from, to, preview: await previewDrawdown(deps.db, grant, from, to), key: randomUUID() });
      },
    }),
    defineRoute({
      kind: 'page', method: 'post', path: '/grants/:id/drawdowns', access: DRAWDOWN_WRITERS, summary: 'Create a drawdown from the confirmation form (its key makes a double submit harmless)', params: GrantIdParams,
      handler: async (req, res) => {
        const form = formBody(req);
        await scoped(req.ctx, req.params.id);
        await actThenRedirect(deps, req, res, `/grants/${req.params.id}/exports`, 'La demande de versement a été créée.', async () => {
          const body = validate(DrawdownBody, { from: text(form.from), to: text(form.to) });
          await idempotent(deps.db, { userId: req.ctx.actor!.userId, route: `POST /api/grants/${req.params.id}/drawdowns`, key: text(form.key) || null, body, now: deps.now() }, async (trx) => {
            const id = await createDrawdown(trx, auditActorOf(req.ctx), req.params.id, body);
            return { status: 201, body: { id } };
          });
        });
      },
    }),
    defineRoute({
      kind: 'page', method: 'post', path: '/grants/:id/financial-report/notes', access: DRAWDOWN_WRITERS, summary: 'Save the gap explanations of a year from the form', params: GrantIdParams,
      handler: async (req, res) => {
        const form = formBody(req);
        const { grant } = await scoped(req.ctx, req.params.id);
        const year = Number(text(form.year));
        await actThenRedirect(deps, req, res, `/grants/${grant.id}/exports?year=${Number.isInteger(year) ? year : ''}#compte-rendu`, 'Les explications des écarts ont été enregistrées.', async () => {
          const body = validate(NotesBody, { year, notes: COST_CATEGORIES.filter((c) => `note_${c}` in form).map((c) => ({ category: c, explanation: text(form[`note_${c}`]) })) });
          await saveNotes(deps, auditActorOf(req.ctx), grant, body.year, body.notes);
        });
      },
    }),
  ];
}

