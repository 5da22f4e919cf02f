import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { ROLE_LABELS } from '../shared/authorize.js';
import { AppError, notFound } from '../shared/errors.js';
import { getJob } from '../jobs/index.js';
import { check } from '../shared/validate.js';
import { auditPublicKey } from '../audit/index.js';
import { flash } from '../auth/index.js';
import { page, formBody } from '../shared/pages.js';
import { RequestCompleteBody, RequestIdParams, RunBody, RunIdParams } from './schemas.js';
import { buildRegister } from './processing-register/register.js';
import { privacyDashboard, retentionOverview } from './overview.js';
import { RETENTION_JOB, startRetentionRun } from './retention.js';
import { completePrivacyRequest } from './requests.js';
import { getRequest } from './repo.js';
import { presentRun } from './presenter.js';
import { DPO_ONLY, RETENTION_RUNNERS } from './policy.js';
import {
  ACTION_LABELS,
  CATEGORY_LABELS,
  CHANNEL_LABELS,
  OUTCOME_LABELS,
  REQUEST_KIND_LABELS,
  STATUS_LABELS,
  STEP_LABELS,
  TABLE_LABELS,
} from './labels.js';

/** French month name of `YYYY-MM`. */
const monthLabel = (ym: string) => {
  const text = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${ym}-15T00:00:00Z`),
  );
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/** Run counts as table rows: step, table, category, number. */
function resultRows(result: Record<string, unknown> | null) {
  const erased = (result?.erased ?? {}) as Record<string, Record<string, Record<string, number>>>;
  return Object.entries(erased).flatMap(([step, tables]) =>
    Object.entries(tables).flatMap(([table, cats]) =>
      Object.entries(cats).map(([cat, n]) => ({
        step: STEP_LABELS[step] ?? step,
        table: TABLE_LABELS[table] ?? table,
        category: CATEGORY_LABELS[cat] ?? cat,
        count: n,
      })),
    ),
  );
}

/** Files the product wrote, deleted by a run (or to delete, in a dry run), as table rows. */
function fileRows(result: Record<string, unknown> | null) {
  const files = (result?.files ?? {}) as Record<string, number>;
  return Object.entries(files).map(([kind, count]) => ({ kind: FILE_KIND_LABELS[kind] ?? kind, count }));
}

/** French names of the kinds of files of server/privacy/product-files.ts. */
const FILE_KIND_LABELS: Record<string, string> = { mail_files: 'Copies des e-mails envoyés (dossier des e-mails)' };

export const labels = {
  modes: { dry_run: 'Simulation', apply: 'Application' } as Record<string, string>,
  triggers: { api: 'API', page: 'Page', cli: 'Ligne de commande', daily: 'Passage quotidien' } as Record<
    string,
    string
  >,
  jobStatuses: { queued: 'En attente', running: 'En cours', completed: 'Terminé', failed: 'Échec' } as Record<
    string,
    string
  >,
  kinds: REQUEST_KIND_LABELS,
  channels: CHANNEL_LABELS,
  outcomes: OUTCOME_LABELS,
  statuses: STATUS_LABELS,
  actions: ACTION_LABELS,
  roles: ROLE_LABELS,
  steps: STEP_LABELS,
};

export function privacyPages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/privacy',
      access: RETENTION_RUNNERS,
      summary: 'DPO dashboard',
      handler: async (req, res) => {
        const d = await privacyDashboard(deps, req.ctx.acting);
        await page(deps, req, res, 'privacy/dashboard.njk', {
          title: 'Données personnelles',
          d,
          upcoming: d.upcoming.map((u) => ({ ...u, label: monthLabel(u.month) })),
          labels,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/privacy/register',
      access: RETENTION_RUNNERS,
      summary: 'Record of processing activities',
      handler: async (req, res) => {
        await page(deps, req, res, 'privacy/register.njk', {
          title: 'Registre des activités de traitement',
          r: await buildRegister(deps.db, req.ctx.acting),
          auditKey: auditPublicKey(deps.config),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/privacy/retention',
      access: RETENTION_RUNNERS,
      summary: 'Retention: preview and runs',
      handler: async (req, res) => {
        const o = await retentionOverview(deps, req.ctx.acting, { runs: 20 });
        await page(deps, req, res, 'privacy/retention.njk', {
          title: 'Conservation des données',
          o,
          upcoming: o.upcoming.map((u) => ({ ...u, label: monthLabel(u.month) })),
          confirmApply: req.query.confirm === 'apply',
          labels,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/privacy/retention/runs',
      access: RETENTION_RUNNERS,
      summary: 'Start a retention run from the page',
      handler: async (req, res) => {
        const checked = check(RunBody, { mode: formBody(req).mode });
        if (!checked.ok) throw new AppError('validation_failed', undefined, checked.details);
        const { job } = await startRetentionRun(deps, req.ctx.acting, { mode: checked.value.mode, trigger: 'page' });
        res.redirect(303, `/privacy/retention/runs/${job.id}`);
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/privacy/retention/runs/:id',
      access: RETENTION_RUNNERS,
      summary: 'Progress and result of a retention run',
      params: RunIdParams,
      handler: async (req, res) => {
        const job = await getJob(deps.db, req.params.id, req.ctx.acting.now);
        if (!job || job.kind !== RETENTION_JOB) throw notFound('Traitement');
        const view = presentRun(job);
        const running = view.status === 'running' || view.status === 'queued';
        const refresh = running && req.query.refresh !== 'off';
        await page(deps, req, res, 'privacy/run.njk', {
          title: view.mode === 'apply' ? 'Application de la conservation' : 'Simulation de la conservation',
          job: view,
          percent: view.total ? Math.floor((view.progress * 100) / view.total) : running ? 0 : 100,
          running,
          refresh,
          rows: resultRows(view.result),
          fileRows: fileRows(view.result),
          labels,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/privacy/requests/:id/complete',
      access: DPO_ONLY,
      summary: 'Close a privacy request from a form',
      params: RequestIdParams,
      handler: async (req, res) => {
        const form = formBody(req);
        const request = await getRequest(deps.db, req.params.id);
        if (!request) throw notFound('Demande');
        const back = request.participant_id ? `/participants/${request.participant_id}/privacy` : '/privacy';
        const checked = check(RequestCompleteBody, {
          outcomeCode: form.outcomeCode,
          outcomeNote: typeof form.outcomeNote === 'string' ? form.outcomeNote : null,
        });
        try {
          if (!checked.ok) throw new AppError('validation_failed', undefined, checked.details);
          await completePrivacyRequest(deps, req.ctx.acting, {
            id: req.params.id,
            ...(checked.value as RequestCompleteBody),
          });
          await flash(deps, req, 'success', `La demande ${request.reference} est close.`);
        } catch (e) {
          if (!(e instanceof AppError) || e.status >= 500) throw e;
          await flash(deps, req, 'error', e.details[0] ? `${e.message} (${e.details[0].message})` : e.message);
        }
        res.redirect(303, back);
      },
    }),
  ];
}
