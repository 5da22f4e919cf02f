export { projectBudgetDashboard } from './dashboard.js';
export { budgetCharts } from './charts.js';
