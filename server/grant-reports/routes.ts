import { Readable } from 'node:stream';
import type { Response } from 'express';
import type { Knex } from 'knex';
import type { Deps } from '../shared/deps.js';
import { auditArchivedInExport } from '../privacy/index.js';
import { defineRoute, type RequestContext } from '../shared/http.js';
import { notFound, validationError } from '../shared/errors.js';
import { formatCents } from '../shared/money.js';
import {
  DrawdownBody,
  DrawdownIdParams,
  DrawdownList,
  DrawdownView,
  FinancialReportQuery,
  FinancialReportView,
  GrantDashboardView,
  GrantIdParams,
  NotesBody,
  PeriodQuery,
  StatementQuery,
} from './schemas.js';
import {
  assertPeriodInScope,
  auditorScope,
  periodVisible,
  scopeRange,
  visiblePeriod,
  type AuditorScope,
} from '../grants/index.js';
import { DASHBOARD_READERS, FIGURES_REFRESHERS, DRAWDOWN_WRITERS, REPORT_EXPORTERS, grantInScope } from './policy.js';
import { grantDashboard } from './dashboard.js';
import { refreshGrantFigures } from './figures.js';
import { drawdownPartsQuery, statementQuery, type GrantRow, periodParticipantIdsSql } from './repo.js';
import { getDrawdown } from './drawdowns-repo.js';
import { assertPdfSize, statementCsv, statementPdf, statementXlsx, streamRows } from './statement.js';
import { copyPathAvailable, statementCsvByCopy } from './statement-copy.js';
import {
  financialReport,
  financialReportCsv,
  financialReportPdf,
  financialReportXlsx,
  saveNotes,
} from './financial-report.js';
import { createDrawdownIn, drawdownList, drawdownPdf, drawdownSummary, drawdownView } from './drawdowns.js';
import { evidenceZip } from './evidence.js';
import { sendBuffer, streamDownload, TYPES } from './send.js';

const pdf = { description: 'PDF', contentType: TYPES.pdf };

/** The payment-day period asked, defaulting to what the reader may see; 400 when reversed, 403 outside an auditor's range. */
export function periodOf(
  query: { from?: string; to?: string },
  scope: AuditorScope | null,
  grant: GrantRow,
): { from: string; to: string } {
  const visible = visiblePeriod(scope, grant);
  const from = query.from ?? visible.from;
  const to = query.to ?? visible.to;
  if (to < from) throw validationError([{ field: 'to', message: 'doit être postérieure ou égale à la date de début' }]);
  assertPeriodInScope(scope, grant.id, from, to);
  return { from, to };
}

/** A drawdown the reader may see: its grant in scope and its period within the auditor's range. */
async function drawdownInScope(deps: Deps, ctx: RequestContext, id: string) {
  const d = await getDrawdown(deps.db, id);
  if (!d) throw notFound('Demande de versement');
  const scope = await auditorScope(deps.db, ctx.acting);
  const grant = await grantInScope(deps.db, scope, d.grant_id);
  assertPeriodInScope(scope, grant.id, d.period_from, d.period_to);
  return { drawdown: await drawdownView(deps.db, id), grant };
}

export function grantReportRoutes(deps: Deps) {
  const scopedGrant = async (ctx: RequestContext, id: string, db: Knex = deps.db) => {
    const scope = await auditorScope(db, ctx.acting);
    return { scope, grant: await grantInScope(db, scope, id) };
  };
  const orgName = async (ctx: RequestContext) => (await ctx.acting.settings()).name;
  return [
    defineRoute({
      method: 'get',
      path: '/api/grants/:id/dashboard',
      access: DASHBOARD_READERS,
      tags: ['grant-reports'],
      summary:
        'Budget of a grant: planned, committed, actual and remaining per category, budget line and project; actual per month of payment; forecast at the current pace; cost per participant and per attended hour. Every figure links to the expense list (/expenses) filtered to the parts behind it. A scoped auditor gets the figures of their range (committed by day of service, actual by payment day, months within it), without remaining nor forecast',
      params: GrantIdParams,
      responses: { 200: { description: 'Dashboard', schema: GrantDashboardView } },
      handler: async (req, res) => {
        const { scope, grant } = await scopedGrant(req.ctx, req.params.id);
        res.json(await grantDashboard(deps, req.ctx.acting, { grant, range: scopeRange(scope, grant.id) }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/grants/:id/figures',
      access: FIGURES_REFRESHERS,
      tags: ['grant-reports'],
      summary:
        'Recompute now the attendance behind the grant dashboard’s cost per person and per hour (distinct people over every session of its projects in its period), which the service otherwise refreshes every 30 minutes; answers the dashboard',
      params: GrantIdParams,
      responses: { 200: { description: 'Dashboard', schema: GrantDashboardView } },
      handler: async (req, res) => {
        const { scope, grant } = await scopedGrant(req.ctx, req.params.id);
        await refreshGrantFigures(deps, req.ctx.acting, grant.id);
        res.json(await grantDashboard(deps, req.ctx.acting, { grant, range: scopeRange(scope, grant.id) }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/grants/:id/statement',
      access: REPORT_EXPORTERS,
      tags: ['grant-reports'],
      summary:
        'Expenditure statement (état récapitulatif des dépenses): the grant’s expense parts paid in [from, to], with budget line, supporting document and participant reference (never a name), totals per line. CSV (French Excel dialect, streamed), XLSX (streamed) or PDF (up to 20,000 lines). Each download audited with its SHA-256',
      params: GrantIdParams,
      query: StatementQuery,
      responses: {
        200: { description: 'File', contentType: `${TYPES.csv}, ${TYPES.xlsx}, ${TYPES.pdf}` },
        403: { description: 'outside the auditor’s scope' },
      },
      errors: ['auditor_period_out_of_scope', 'auditor_grant_out_of_scope', 'statement_too_large_for_pdf'],
      handler: async (req, res) => {
        const { scope, grant } = await scopedGrant(req.ctx, req.params.id);
        const { from, to } = periodOf(req.query, scope, grant);
        const format = req.query.format ?? 'csv';
        const rows = () => streamRows(deps, (trx) => statementQuery(trx, grant.id, from, to));
        const filename = `etat-depenses-${grant.reference}-${from}-${to}.${format}`;
        const audit = {
          action: 'grant.statement_exported',
          recordType: 'grant',
          recordId: grant.id,
          data: { from, to },
        };
        if (format === 'pdf') {
          await assertPdfSize(deps, grant.id, from, to);
          return sendBuffer(
            deps,
            res,
            req.ctx.acting,
            {
              format,
              filename,
              bytes: await statementPdf(rows(), { grant, orgName: await orgName(req.ctx), from, to }),
            },
            audit,
          );
        }
        // CSV: one COPY on a PostgreSQL server in UTF-8 (formatted in SQL); rows from a cursor on PGlite or another encoding.
        const csv = async () =>
          (await copyPathAvailable(deps))
            ? statementCsvByCopy(deps, grant.id, from, to)
            : Readable.from(statementCsv(rows()), { highWaterMark: 2 });
        const body = format === 'csv' ? await csv() : statementXlsx(rows(), `État ${grant.reference}`);
        await streamDownload(deps, res, req.ctx.acting, { format, filename, body }, audit);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/grants/:id/financial-report',
      access: REPORT_EXPORTERS,
      tags: ['grant-reports'],
      summary:
        'Financial report of a year laid out like CERFA 15059: planned (budget lines of the year) vs actual (paid in the year) per category, gap in € and %, explanations, sessions held, distinct participants, attendance rate. format=json (default), pdf, csv or xlsx (downloads audited)',
      params: GrantIdParams,
      query: FinancialReportQuery,
      responses: { 200: { description: 'Report (JSON) or file', schema: FinancialReportView } },
      errors: ['auditor_period_out_of_scope', 'auditor_grant_out_of_scope'],
      handler: async (req, res) => {
        const { scope, grant } = await scopedGrant(req.ctx, req.params.id);
        const year = Number(req.query.year);
        assertPeriodInScope(scope, grant.id, `${year}-01-01`, `${year}-12-31`);
        const report = await financialReport(deps, req.ctx.acting, { grant, year });
        const format = req.query.format ?? 'json';
        if (format === 'json') return res.json(report);
        const bytes =
          format === 'pdf'
            ? await financialReportPdf(report, grant)
            : format === 'csv'
              ? Buffer.from(financialReportCsv(report), 'utf8')
              : await financialReportXlsx(report, grant);
        await sendBuffer(
          deps,
          res,
          req.ctx.acting,
          { format, filename: `compte-rendu-financier-${grant.reference}-${year}.${format}`, bytes },
          { action: 'grant.financial_report_exported', recordType: 'grant', recordId: grant.id, data: { year } },
        );
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/grants/:id/financial-report/notes',
      access: DRAWDOWN_WRITERS,
      tags: ['grant-reports'],
      summary:
        'Explanations of the gaps of a year, per category (replaces the given categories; an empty text removes one)',
      params: GrantIdParams,
      body: NotesBody,
      responses: { 200: { description: 'The report with its explanations', schema: FinancialReportView } },
      handler: async (req, res) => {
        const { grant } = await scopedGrant(req.ctx, req.params.id);
        await saveNotes(deps, req.ctx.acting, { grant, year: req.body.year, notes: req.body.notes });
        res.json(await financialReport(deps, req.ctx.acting, { grant, year: req.body.year }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/grants/:id/drawdowns',
      access: DRAWDOWN_WRITERS,
      tags: ['grant-reports'],
      summary:
        'Create the next numbered drawdown (demande de versement) for a period of payment days: withdraws the claimed parts no longer paid (payment rejected, claim cancelled), claims the unclaimed actual parts; per year claimed spend × cofunding rate within the annual ceiling, minus what earlier drawdowns requested (negative for a regularisation); a part has at most one live claim',
      params: GrantIdParams,
      body: DrawdownBody,
      idempotent: true,
      responses: { 201: { description: 'Created', schema: DrawdownView } },
      errors: ['nothing_to_draw_down', 'drawdown_ceiling_reached'],
      handler: async (req, trx) => {
        await scopedGrant(req.ctx, req.params.id, trx);
        const id = await createDrawdownIn(trx, deps, req.ctx.acting, { ...req.body, grantId: req.params.id });
        return { status: 201, body: await drawdownView(trx, id) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/grants/:id/drawdowns',
      access: REPORT_EXPORTERS,
      tags: ['grant-reports'],
      summary: 'Drawdowns of a grant, newest first (an auditor sees those within their range)',
      params: GrantIdParams,
      responses: { 200: { description: 'Drawdowns', schema: DrawdownList } },
      handler: async (req, res) => {
        const { scope, grant } = await scopedGrant(req.ctx, req.params.id);
        const items = (await drawdownList(deps.db, grant.id)).filter((d) => periodVisible(scope, grant, d));
        res.json({ items });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/drawdowns/:id',
      access: REPORT_EXPORTERS,
      tags: ['grant-reports'],
      summary: 'One drawdown with its amounts per year',
      params: DrawdownIdParams,
      responses: { 200: { description: 'Drawdown', schema: DrawdownView } },
      errors: ['auditor_period_out_of_scope', 'auditor_grant_out_of_scope'],
      handler: async (req, res) => {
        res.json((await drawdownInScope(deps, req.ctx, req.params.id)).drawdown);
      },
    }),
    ...(['pdf', 'csv', 'xlsx'] as const).map((format) =>
      defineRoute({
        method: 'get',
        path: `/api/drawdowns/:id/document.${format}`,
        access: REPORT_EXPORTERS,
        tags: ['grant-reports'],
        summary:
          format === 'pdf'
            ? 'The numbered drawdown document (demande de versement), PDF; audited'
            : `The expense lines a drawdown claims with its amounts per year, ${format.toUpperCase()}; audited`,
        params: DrawdownIdParams,
        responses: { 200: format === 'pdf' ? pdf : { description: 'File', contentType: TYPES[format] } },
        errors: ['auditor_period_out_of_scope', 'auditor_grant_out_of_scope'],
        handler: async (req: { ctx: RequestContext; params: { id: string } }, res: Response) => {
          const { drawdown, grant } = await drawdownInScope(deps, req.ctx, req.params.id);
          const filename = `demande-versement-${grant.reference}-${drawdown.number}.${format}`;
          const audit = {
            action: 'drawdown.document_exported',
            recordType: 'drawdown',
            recordId: drawdown.id,
            data: { grantId: grant.id, number: drawdown.number },
          };
          if (format === 'pdf')
            return sendBuffer(
              deps,
              res,
              req.ctx.acting,
              { format, filename, bytes: await drawdownPdf(drawdown, grant, await orgName(req.ctx)) },
              audit,
            );
          const withdrawn = drawdown.withdrawnPartCount
            ? [
                [
                  `dont ${drawdown.withdrawnPartCount} ligne(s) retirée(s) : demandées précédemment, plus payées (montants négatifs)`,
                  formatCents(-drawdown.withdrawnCents),
                  '',
                  '',
                ],
              ]
            : [];
          const trailer = [
            ['Année', 'Dépenses éligibles', 'Montant demandé', 'Plafond annuel'],
            ...drawdownSummary(drawdown),
            ['Total', formatCents(drawdown.eligibleActualCents), formatCents(drawdown.requestedCents), ''],
            ...withdrawn,
          ].map((r) => ['', '', ...r]);
          const rows = streamRows(deps, (trx) => drawdownPartsQuery(trx, drawdown.id));
          const body =
            format === 'csv'
              ? Readable.from(statementCsv(rows, [[], ...trailer]))
              : statementXlsx(rows, `Demande ${drawdown.number}`, [[], ...trailer]);
          await streamDownload(deps, res, req.ctx.acting, { format, filename, body }, audit);
        },
      }),
    ),
    defineRoute({
      method: 'get',
      path: '/api/grants/:id/evidence.zip',
      access: REPORT_EXPORTERS,
      tags: ['grant-reports'],
      summary:
        'Evidence bundle of a period (ZIP, streamed): the statement (CSV and PDF) and every invoice and claim receipt behind its lines; audited with its SHA-256',
      params: GrantIdParams,
      query: PeriodQuery,
      responses: { 200: { description: 'ZIP', contentType: TYPES.zip } },
      errors: ['auditor_period_out_of_scope', 'auditor_grant_out_of_scope'],
      handler: async (req, res) => {
        const { scope, grant } = await scopedGrant(req.ctx, req.params.id);
        const { from, to } = periodOf(req.query, scope, grant);
        await auditArchivedInExport(
          deps.db,
          req.ctx.acting,
          { recordType: 'grant', recordId: grant.id, via: 'grant evidence ZIP' },
          periodParticipantIdsSql(grant.id, from, to),
        );
        await streamDownload(
          deps,
          res,
          req.ctx.acting,
          {
            format: 'zip',
            filename: `preuves-${grant.reference}-${from}-${to}.zip`,
            body: evidenceZip(deps, grant, await orgName(req.ctx), from, to),
          },
          { action: 'grant.evidence_exported', recordType: 'grant', recordId: grant.id, data: { from, to } },
        );
      },
    }),
  ];
}
