export { projectRoutes } from './routes.js';
export { projectPages } from './pages.js';
export { PARTICIPATION_LEVELS, PARTICIPATION_LEVEL_LABELS } from './schemas.js';
