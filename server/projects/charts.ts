import type { projectDashboard } from './dashboard.js';
import { budgetCharts } from '../grant-reports/index.js';

type Dashboard = Awaited<ReturnType<typeof projectDashboard>>;

export interface Bar {
  y: number;
  width: number;
  label: string;
  valueLabel: string;
  /** A second, thinner mark (the target) where there is one. */
  target: number | null;
}

export interface BarChart {
  ariaLabel: string;
  height: number;
  labelWidth: number;
  barArea: number;
  bars: Bar[];
}

const LABEL_WIDTH = 220;
const BAR_AREA = 340;
const ROW = 28;

function chart(
  ariaPrefix: string,
  rows: { label: string; value: number | null; target?: number | null }[],
  unit = ' %',
): BarChart {
  const bars = rows.map((r, i) => ({
    y: i * ROW + 6,
    width: r.value === null ? 0 : Math.round((Math.min(100, r.value) / 100) * BAR_AREA),
    label: r.label.length > 32 ? `${r.label.slice(0, 31)}…` : r.label,
    valueLabel: r.value === null ? 'non affiché' : `${r.value}${unit}`,
    target: r.target === null || r.target === undefined ? null : Math.round((r.target / 100) * BAR_AREA),
  }));
  const ariaLabel = `${ariaPrefix} : ${rows.map((r) => `${r.label} ${r.value === null ? 'non affiché' : `${r.value}${unit}`}${r.target !== undefined && r.target !== null ? ` (cible ${r.target} %)` : ''}`).join(' ; ') || 'aucune donnée'}.`;
  return { ariaLabel, height: Math.max(1, rows.length) * ROW + 12, labelWidth: LABEL_WIDTH, barArea: BAR_AREA, bars };
}

/** Bar charts drawn as inline SVG by the template (no script); each is followed by its data table. */
export function dashboardCharts(d: Dashboard) {
  return {
    attendance: chart(
      'Taux de présence par session',
      d.sessions
        .filter((s) => s.status !== 'cancelled')
        .map((s) => ({ label: `${s.startLocal.slice(0, 10)} ${s.title}`, value: s.attendanceRate })),
    ),
    attrition: chart(
      'Part des personnes de la première session encore présentes',
      d.attrition.map((a) => ({ label: `${a.startLocal.slice(0, 10)} ${a.title}`, value: a.retainedPercent })),
    ),
    composition: d.composition.map((c) => ({
      dimension: c.dimension,
      label: c.label,
      chart: chart(
        `Composition du panel, ${c.label.toLowerCase()}`,
        c.groups.map((g) => ({ label: g.label, value: g.percent, target: g.targetPercent })),
      ),
    })),
    budget: d.budget ? budgetCharts(d.budget) : null,
  };
}
