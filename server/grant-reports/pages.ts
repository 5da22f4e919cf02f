import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute, keyedFormWork, type RequestContext } from '../shared/http.js';
import { hasAnyRole, rolesOf } from '../shared/authorize.js';
import { obj } from '../shared/schema.js';
import { text } from '../shared/form.js';
import { localDay } from '../shared/dates.js';
import { validate } from '../shared/validate.js';
import { COST_CATEGORIES } from '../settings/index.js';
import { page, formBody, actThenRedirect } from '../shared/pages.js';
import { auditorScope, periodVisible, scopeRange, visiblePeriod } from '../grants/index.js';
import {
  DASHBOARD_READERS,
  FIGURES_REFRESHERS,
  FIGURES_REFRESHER_ROLES,
  DRAWDOWN_WRITERS,
  REPORT_EXPORTERS,
  grantInScope,
} from './policy.js';
import { DrawdownBody, GrantIdParams, NotesBody } from './schemas.js';
import { grantDashboard } from './dashboard.js';
import { refreshGrantFigures } from './figures.js';
import { budgetCharts } from './charts.js';
import { financialReport, saveNotes } from './financial-report.js';
import { createDrawdownIn, drawdownList, previewDrawdown } from './drawdowns.js';
import { periodOf } from './routes.js';

const ExportsQuery = obj({
  year: Type.Optional(Type.String({ maxLength: 4 })),
  from: Type.Optional(Type.String({ maxLength: 10 })),
  to: Type.Optional(Type.String({ maxLength: 10 })),
});
const DayRange = obj({
  from: Type.Optional(Type.String({ format: 'date' })),
  to: Type.Optional(Type.String({ format: 'date' })),
});

export function grantReportPages(deps: Deps) {
  const scoped = async (ctx: RequestContext, id: string) => {
    const scope = await auditorScope(deps.db, ctx.acting);
    return { scope, grant: await grantInScope(deps.db, scope, id) };
  };
  return [
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/grants/:id/dashboard/figures',
      access: FIGURES_REFRESHERS,
      summary: 'Recompute now the attendance behind the grant dashboard’s costs',
      params: GrantIdParams,
      handler: async (req, res) => {
        const { grant } = await scoped(req.ctx, req.params.id);
        await actThenRedirect(
          deps,
          req,
          res,
          `/grants/${grant.id}/dashboard`,
          'Le coût par personne et par heure est recalculé.',
          () => refreshGrantFigures(deps, req.ctx.acting, grant.id),
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/grants/:id/dashboard',
      access: DASHBOARD_READERS,
      summary: 'Grant budget dashboard',
      params: GrantIdParams,
      handler: async (req, res) => {
        const { scope, grant } = await scoped(req.ctx, req.params.id);
        const dashboard = await grantDashboard(deps, req.ctx.acting, { grant, range: scopeRange(scope, grant.id) });
        await page(deps, req, res, 'grant-reports/dashboard.njk', {
          title: `Budget — ${grant.funder} (${grant.reference})`,
          grant,
          dashboard,
          charts: budgetCharts(dashboard),
          rows: {
            categories: dashboard.byCategory.map((c) => ({ ...c, rowLabel: c.label })),
            lines: dashboard.byLine.map((l) => ({ ...l, rowLabel: `${l.label} ${l.year}` })),
            projects: dashboard.byProject.map((p) => ({
              ...p,
              rowLabel: `${p.name}${p.shareBp !== null ? ` (part ${p.shareBp / 100} %)` : ''}`,
            })),
          },
          canExport: hasAnyRole(req.ctx.actor, rolesOf(REPORT_EXPORTERS)),
          canRefresh: hasAnyRole(req.ctx.actor, FIGURES_REFRESHER_ROLES),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/grants/:id/exports',
      access: REPORT_EXPORTERS,
      summary: 'Funder documents of a grant: statement, financial report, drawdowns, evidence bundle',
      params: GrantIdParams,
      query: ExportsQuery,
      handler: async (req, res) => {
        const { scope, grant } = await scoped(req.ctx, req.params.id);
        const settings = await req.ctx.acting.settings();
        const visible = visiblePeriod(scope, grant);
        const thisYear = Number(localDay(req.ctx.acting.now, settings.timeZone).slice(0, 4));
        const firstYear = Number(visible.from.slice(0, 4));
        const lastYear = Number(visible.to.slice(0, 4));
        const asked = Number(req.query.year);
        const year =
          Number.isInteger(asked) && asked >= firstYear && asked <= lastYear
            ? asked
            : Math.min(lastYear, Math.max(firstYear, thisYear));
        const canWrite = hasAnyRole(req.ctx.actor, rolesOf(DRAWDOWN_WRITERS));
        const yearFullyVisible = periodVisible(scope, grant, { from: `${year}-01-01`, to: `${year}-12-31` });
        await page(deps, req, res, 'grant-reports/exports.njk', {
          title: `Documents pour le financeur — ${grant.reference}`,
          grant,
          visible,
          year,
          canWrite,
          years: Array.from({ length: lastYear - firstYear + 1 }, (_, i) => firstYear + i),
          report: yearFullyVisible ? await financialReport(deps, req.ctx.acting, { grant, year }) : null,
          drawdowns: (await drawdownList(deps.db, grant.id)).filter((d) => periodVisible(scope, grant, d)),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/grants/:id/drawdowns/new',
      access: DRAWDOWN_WRITERS,
      summary: 'Confirm a drawdown: what it would request',
      params: GrantIdParams,
      query: DayRange,
      handler: async (req, res) => {
        const { scope, grant } = await scoped(req.ctx, req.params.id);
        const { from, to } = periodOf(req.query, scope, grant);
        await page(deps, req, res, 'grant-reports/drawdown-confirm.njk', {
          title: `Demande de versement — ${grant.reference}`,
          grant,
          from,
          to,
          preview: await previewDrawdown(deps.db, grant, from, to),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/grants/:id/drawdowns',
      access: DRAWDOWN_WRITERS,
      summary: 'Create a drawdown from the confirmation form (its key makes a double submit harmless)',
      params: GrantIdParams,
      idempotent: 'form',
      handler: async (req, res) => {
        const form = formBody(req);
        await scoped(req.ctx, req.params.id);
        await actThenRedirect(
          deps,
          req,
          res,
          `/grants/${req.params.id}/exports`,
          'La demande de versement a été créée.',
          async () => {
            const body = validate(DrawdownBody, { from: text(form.from), to: text(form.to) });
            await keyedFormWork(deps, req, (trx) =>
              createDrawdownIn(trx, deps, req.ctx.acting, { ...body, grantId: req.params.id }),
            );
          },
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/grants/:id/financial-report/notes',
      access: DRAWDOWN_WRITERS,
      summary: 'Save the gap explanations of a year from the form',
      params: GrantIdParams,
      handler: async (req, res) => {
        const form = formBody(req);
        const { grant } = await scoped(req.ctx, req.params.id);
        const year = Number(text(form.year));
        await actThenRedirect(
          deps,
          req,
          res,
          `/grants/${grant.id}/exports?year=${Number.isInteger(year) ? year : ''}#compte-rendu`,
          'Les explications des écarts ont été enregistrées.',
          async () => {
            const body = validate(NotesBody, {
              year,
              notes: COST_CATEGORIES.filter((c) => `note_${c}` in form).map((c) => ({
                category: c,
                explanation: text(form[`note_${c}`]),
              })),
            });
            await saveNotes(deps, req.ctx.acting, { grant, year: body.year, notes: body.notes });
          },
        );
      },
    }),
  ];
}
