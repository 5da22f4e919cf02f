import { formatCents } from '../shared/money.js';

/** Same shape as the project charts (templates/_chart.njk barChart): values in cents, scaled to the largest. */
interface Row {
  label: string;
  cents: number;
  targetCents?: number | null;
}

const LABEL_WIDTH = 220;
const BAR_AREA = 340;
const ROW = 28;

function moneyChart(ariaPrefix: string, rows: Row[], targetName = 'prévu') {
  const max = Math.max(1, ...rows.map((r) => Math.max(r.cents, r.targetCents ?? 0)));
  const scale = (c: number) => Math.round((Math.max(0, c) / max) * BAR_AREA);
  const bars = rows.map((r, i) => ({
    y: i * ROW + 6,
    width: scale(r.cents),
    label: r.label.length > 32 ? `${r.label.slice(0, 31)}…` : r.label,
    valueLabel: formatCents(r.cents),
    target: r.targetCents === null || r.targetCents === undefined ? null : scale(r.targetCents),
  }));
  const ariaLabel = `${ariaPrefix} : ${rows.map((r) => `${r.label} ${formatCents(r.cents)}${r.targetCents !== undefined && r.targetCents !== null ? ` (${targetName} ${formatCents(r.targetCents)})` : ''}`).join(' ; ') || 'aucune donnée'}.`;
  return { ariaLabel, height: Math.max(1, rows.length) * ROW + 12, labelWidth: LABEL_WIDTH, barArea: BAR_AREA, bars };
}

const MONTHS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];
export const monthLabel = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;

/** Bar charts of a budget (grant or project): committed per category against planned, actual per month, cumulative actual against planned. */
export function budgetCharts(d: {
  byCategory: { label: string; committedCents: number; plannedCents: number }[];
  monthly: { label: string; actualCents: number; cumulativeCents: number }[];
  totals: { plannedCents: number };
}) {
  return {
    categories: moneyChart(
      'Engagé par catégorie, trait rouge : prévu',
      d.byCategory.map((c) => ({ label: c.label, cents: c.committedCents, targetCents: c.plannedCents })),
    ),
    monthly: moneyChart(
      'Réalisé par mois de paiement',
      d.monthly.map((m) => ({ label: m.label, cents: m.actualCents })),
    ),
    cumulative: moneyChart(
      'Réalisé cumulé, trait rouge : total prévu',
      d.monthly.map((m) => ({ label: m.label, cents: m.cumulativeCents, targetCents: d.totals.plannedCents })),
    ),
  };
}
