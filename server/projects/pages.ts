import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { hasAnyRole } from '../shared/authorize.js';
import { notFound } from '../shared/errors.js';
import { parseEuros, centsToInput } from '../shared/money.js';
import { formFailure, integer, nullableText, text, checked } from '../shared/form.js';
import { flash } from '../auth/index.js';
import { COST_CATEGORIES, COST_CATEGORY_LABELS } from '../settings/index.js';
import { page, formBody } from '../shared/pages.js';
import { validate } from '../shared/validate.js';
import {
  ProjectCreateBody,
  ProjectPatchBody,
  DIMENSION_LABELS,
  PARTICIPATION_LEVELS,
  PARTICIPATION_LEVEL_LABELS,
  ProjectIdParams,
  ProjectListQuery,
  TARGET_VALUES,
  VALUE_LABELS,
  type TargetDimension,
} from './schemas.js';
import { getProject, leadOptions, listProjects } from './repo.js';
import { presentProject } from './presenter.js';
import { createProject, updateProject } from './manage-projects.js';
import { projectDashboard, projectRecentSessions } from './dashboard.js';
import { refreshProjectFigures } from './figures.js';
import {
  FIGURES_REFRESHERS,
  FIGURES_REFRESHER_ROLES,
  PROJECT_DASHBOARD_READERS,
  PROJECT_READERS,
  PROJECT_WRITERS,
  PROJECT_WRITER_ROLES,
} from './policy.js';
import { dashboardCharts } from './charts.js';

const levelOptions = PARTICIPATION_LEVELS.map((l) => ({ value: l, label: PARTICIPATION_LEVEL_LABELS[l] }));
const targetFields = (Object.keys(TARGET_VALUES) as TargetDimension[]).map((d) => ({
  dimension: d,
  label: DIMENSION_LABELS[d],
  values: TARGET_VALUES[d].map((v) => ({ value: v, label: VALUE_LABELS[v], name: `target_${d}_${v}` })),
}));
const budgetFields = COST_CATEGORIES.map((c) => ({ category: c, label: COST_CATEGORY_LABELS[c], name: `budget_${c}` }));

/** Reads the project form; amounts typed in euros become cents (a wrong amount is kept as text so validation names it). */
function readForm(form: Record<string, string | string[]>) {
  const budget: Record<string, number | string> = {};
  for (const b of budgetFields) {
    const raw = text(form[b.name]);
    if (raw) budget[b.category] = parseEuros(raw) ?? raw;
  }
  const targets: { dimension: string; value: string; percent: number | string }[] = [];
  for (const d of targetFields)
    for (const v of d.values) {
      const p = integer(form[v.name]);
      if (p !== undefined) targets.push({ dimension: d.dimension, value: v.value, percent: p });
    }
  const allowance = text(form.allowanceHalfDay);
  return {
    name: text(form.name),
    description: text(form.description),
    participationLevel: text(form.participationLevel),
    leadUserId: nullableText(form.leadUserId),
    startsOn: text(form.startsOn),
    endsOn: nullableText(form.endsOn),
    solicitationLimit: integer(form.solicitationLimit) ?? null,
    allowanceEnabled: checked(form.allowanceEnabled),
    allowanceHalfDayCents: allowance ? (parseEuros(allowance) ?? allowance) : null,
    budget,
    targets,
  };
}

/** Form values from a saved project (amounts back to euros). */
function formValues(p: ReturnType<typeof presentProject>) {
  const values: Record<string, unknown> = {
    ...p,
    allowanceHalfDay: p.allowanceHalfDayCents !== null ? centsToInput(p.allowanceHalfDayCents) : '',
  };
  for (const [c, v] of Object.entries(p.budget)) values[`budget_${c}`] = centsToInput(v);
  for (const t of p.targets) values[`target_${t.dimension}_${t.value}`] = String(t.percent);
  return values;
}

const renameField = (f: string) =>
  f === 'allowanceHalfDayCents'
    ? 'allowanceHalfDay'
    : f.replace(/^budget\.(\w+)$/, 'budget_$1').replace(/^targets(\..*)?$/, 'targets');

export function projectPages(deps: Deps) {
  const formVars = async () => ({
    levelOptions,
    targetFields,
    budgetFields,
    leads: [
      { value: '', label: '— Aucun —' },
      ...(await leadOptions(deps.db)).map((u) => ({ value: u.id, label: u.name })),
    ],
  });
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/projects',
      access: PROJECT_READERS,
      summary: 'Projects',
      query: ProjectListQuery,
      handler: async (req, res) => {
        const result = await listProjects(deps.db, { ...req.query, limit: req.query.limit ?? '50' });
        await page(deps, req, res, 'projects/list.njk', {
          title: 'Projets',
          projects: result.items.map(presentProject),
          levels: PARTICIPATION_LEVEL_LABELS,
          filters: req.query,
          canWrite: hasAnyRole(req.ctx.actor, PROJECT_WRITER_ROLES),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/projects/new',
      access: PROJECT_WRITERS,
      summary: 'New project form',
      handler: async (req, res) => {
        await page(deps, req, res, 'projects/form.njk', {
          title: 'Nouveau projet',
          values: { participationLevel: 'consultation', leadUserId: req.ctx.actor!.userId },
          errors: {},
          ...(await formVars()),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/projects',
      access: PROJECT_WRITERS,
      summary: 'Create a project from the form',
      handler: async (req, res) => {
        const form = formBody(req);
        const input = readForm(form);
        try {
          const created = await createProject(deps, req.ctx.acting, validate(ProjectCreateBody, input));
          await flash(deps, req, 'success', 'Le projet a été créé.');
          return res.redirect(303, `/projects/${created.id}`);
        } catch (e) {
          const f = formFailure(e, renameField);
          await page(
            deps,
            req,
            res,
            'projects/form.njk',
            { title: 'Nouveau projet', values: form, errors: f.errors, message: f.message, ...(await formVars()) },
            400,
          );
        }
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/projects/:id',
      access: PROJECT_READERS,
      summary: 'Project detail',
      params: ProjectIdParams,
      handler: async (req, res) => {
        const p = await getProject(deps.db, req.params.id);
        if (!p) throw notFound('Projet');
        const sessions = await projectRecentSessions(deps, req.ctx.acting, p.id);
        await page(deps, req, res, 'projects/detail.njk', {
          title: p.name,
          project: presentProject(p),
          sessions,
          levels: PARTICIPATION_LEVEL_LABELS,
          budgetFields,
          dimensionLabels: DIMENSION_LABELS,
          valueLabels: VALUE_LABELS,
          canWrite: hasAnyRole(req.ctx.actor, PROJECT_WRITER_ROLES),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/projects/:id/edit',
      access: PROJECT_WRITERS,
      summary: 'Edit a project',
      params: ProjectIdParams,
      handler: async (req, res) => {
        const p = await getProject(deps.db, req.params.id);
        if (!p) throw notFound('Projet');
        const view = presentProject(p);
        await page(deps, req, res, 'projects/form.njk', {
          title: `Modifier « ${p.name} »`,
          project: view,
          values: formValues(view),
          errors: {},
          ...(await formVars()),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/projects/:id',
      access: PROJECT_WRITERS,
      summary: 'Save a project from the form',
      params: ProjectIdParams,
      handler: async (req, res) => {
        const p = await getProject(deps.db, req.params.id);
        if (!p) throw notFound('Projet');
        const form = formBody(req);
        try {
          await updateProject(deps, req.ctx.acting, {
            id: p.id,
            patch: validate(ProjectPatchBody, {
              ...readForm(form),
              status: text(form.status) === 'closed' ? 'closed' : 'active',
            }),
          });
          await flash(deps, req, 'success', 'Le projet a été enregistré.');
          return res.redirect(303, `/projects/${p.id}`);
        } catch (e) {
          const f = formFailure(e, renameField);
          await page(
            deps,
            req,
            res,
            'projects/form.njk',
            {
              title: `Modifier « ${p.name} »`,
              project: presentProject(p),
              values: form,
              errors: f.errors,
              message: f.message,
              ...(await formVars()),
            },
            400,
          );
        }
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/projects/:id/dashboard',
      access: PROJECT_DASHBOARD_READERS,
      summary: 'Project dashboard',
      params: ProjectIdParams,
      handler: async (req, res) => {
        const p = await getProject(deps.db, req.params.id);
        if (!p) throw notFound('Projet');
        const dashboard = await projectDashboard(deps, req.ctx.acting, p.id);
        await page(deps, req, res, 'projects/dashboard.njk', {
          title: `Tableau de bord — ${p.name}`,
          project: presentProject(p),
          dashboard,
          charts: dashboardCharts(dashboard),
          canRefresh: hasAnyRole(req.ctx.actor, FIGURES_REFRESHER_ROLES),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/projects/:id/figures',
      access: FIGURES_REFRESHERS,
      summary: 'Recompute now the whole-project figures of the dashboard',
      params: ProjectIdParams,
      handler: async (req, res) => {
        await projectDashboard(deps, req.ctx.acting, req.params.id); // 404 and scope first
        await refreshProjectFigures(deps, req.ctx.acting, req.params.id);
        await flash(deps, req, 'success', 'Les indicateurs d’ensemble sont recalculés.');
        res.redirect(303, `/projects/${req.params.id}/dashboard`);
      },
    }),
  ];
}
