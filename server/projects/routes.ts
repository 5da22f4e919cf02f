import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { notFound } from '../shared/errors.js';
import {
  ProjectCreateBody,
  ProjectDashboardView,
  ProjectIdParams,
  ProjectList,
  ProjectListQuery,
  ProjectPatchBody,
  ProjectView,
} from './schemas.js';
import { getProject, listProjects } from './repo.js';
import { presentProject } from './presenter.js';
import { createProject, updateProject } from './manage-projects.js';
import { projectDashboard } from './dashboard.js';
import { refreshProjectFigures } from './figures.js';
import { FIGURES_REFRESHERS, PROJECT_DASHBOARD_READERS, PROJECT_READERS, PROJECT_WRITERS } from './policy.js';

export function projectRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/projects',
      access: PROJECT_READERS,
      tags: ['projects'],
      summary: 'Projects: search (q), status, sort (name, startsOn, createdAt), cursor pagination',
      query: ProjectListQuery,
      responses: { 200: { description: 'A page of projects', schema: ProjectList } },
      handler: async (req, res) => {
        const page = await listProjects(deps.db, req.query);
        res.json({ items: page.items.map(presentProject), nextCursor: page.nextCursor });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/projects',
      access: PROJECT_WRITERS,
      tags: ['projects'],
      summary: 'Create a project with its budget per cost category and target panel composition',
      body: ProjectCreateBody,
      responses: { 201: { description: 'Created', schema: ProjectView } },
      handler: async (req, res) => {
        res.status(201).json(await createProject(deps, req.ctx.acting, req.body));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/projects/:id',
      access: PROJECT_READERS,
      tags: ['projects'],
      summary: 'One project',
      params: ProjectIdParams,
      responses: { 200: { description: 'Project', schema: ProjectView } },
      handler: async (req, res) => {
        const p = await getProject(deps.db, req.params.id);
        if (!p) throw notFound('Projet');
        res.json(presentProject(p));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/projects/:id',
      access: PROJECT_WRITERS,
      tags: ['projects'],
      summary: 'Change a project (budget and targets, when given, are replaced)',
      params: ProjectIdParams,
      body: ProjectPatchBody,
      responses: { 200: { description: 'Project', schema: ProjectView } },
      handler: async (req, res) => {
        res.json(await updateProject(deps, req.ctx.acting, { id: req.params.id, patch: req.body }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/projects/:id/dashboard',
      access: PROJECT_DASHBOARD_READERS,
      tags: ['projects'],
      summary:
        'Sessions, attendance rate, attrition, panel composition against target (groups under 5 hidden), committed venue costs, budget (planned, committed, actual, remaining per category, monthly burn, forecast, cost per person, time to money). A scoped auditor gets neither budget nor venue costs (null) but auditorBudget: per grant of theirs, its parts of the project’s expenses within their range (committed by day of service, actual by payment day), each figure linked to its expenses',
      params: ProjectIdParams,
      responses: { 200: { description: 'Dashboard', schema: ProjectDashboardView } },
      handler: async (req, res) => {
        res.json(await projectDashboard(deps, req.ctx.acting, req.params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/projects/:id/figures',
      access: FIGURES_REFRESHERS,
      tags: ['projects'],
      summary:
        'Recompute now the whole-project figures of the dashboard (overall attendance rate, panel composition, cost per person, time to money), which the service otherwise refreshes every 30 minutes; answers the dashboard',
      params: ProjectIdParams,
      responses: { 200: { description: 'Dashboard', schema: ProjectDashboardView } },
      handler: async (req, res) => {
        await projectDashboard(deps, req.ctx.acting, req.params.id); // 404 and scope first
        await refreshProjectFigures(deps, req.ctx.acting, req.params.id);
        res.json(await projectDashboard(deps, req.ctx.acting, req.params.id));
      },
    }),
  ];
}
