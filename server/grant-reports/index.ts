// Grant reports — what funders receive (docs/domain.md#expense).
// Words: état récapitulatif des dépenses → expenditure statement; compte rendu financier
//   (CERFA 15059) → financial report; appel de fonds, demande de versement → drawdown.
// Shape: numbered drawdowns per grant (per year: eligible actual spend × rate, within the ceiling),
//   the expense parts they claim (withdrawn when no longer actual), notes explaining report gaps;
//   statements, reports and dashboards read from grants' records.
// Owns: drawdowns, drawdown_years, drawdown_parts, grant_report_notes, grant_figures.
// Calls: audit, grants, privacy, settings; shared/.
export { projectBudgetDashboard } from './dashboard.js';
export {
  computeProjectMoneyFigures,
  FIGURES_MAX_AGE_MS,
  refreshGrantFigures,
  refreshStaleGrantFigures,
  type ProjectMoneyFigures,
} from './figures.js';
export { ProjectBudgetView, ScopedProjectBudgetView } from './schemas.js';
export { budgetCharts } from './charts.js';
