export { grantReportRoutes } from './routes.js';
export { grantReportPages } from './pages.js';
export { projectBudgetDashboard } from './dashboard.js';
export { budgetCharts } from './charts.js';
