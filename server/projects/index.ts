// Projects — participatory programmes (docs/domain.md#project).
// Words: démarche participative → project; niveau de participation → participation level;
//   budget prévu → planned budget; composition cible du panel → target panel composition.
// Shape: projects (active, closed) with a lead, dates, a planned budget per cost category and a
//   target panel; the project dashboard.
// Owns: projects, project_budget, project_targets, project_figures.
// Calls: audit, auth, grant-reports, grants, settings, venues; shared/.
export { PARTICIPATION_LEVELS, PARTICIPATION_LEVEL_LABELS } from './schemas.js';
export { refreshProjectFigures, refreshStaleProjectFigures } from './figures.js';
