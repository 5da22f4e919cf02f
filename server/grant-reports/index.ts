export { grantReportRoutes } from './routes.js';
export { grantReportPages } from './pages.js';
export { projectBudgetDashboard } from './dashboard.js';
export { ProjectBudgetView, ScopedProjectBudgetView } from './schemas.js';
export { budgetCharts } from './charts.js';
