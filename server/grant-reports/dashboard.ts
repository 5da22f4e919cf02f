import type { Static } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import type { Acting } from '../shared/acting.js';
import { addDays, addMonths, localDay } from '../shared/dates.js';
import { notFound } from '../shared/errors.js';
import { basisPointsOf } from '../shared/money.js';
import { COST_CATEGORY_LABELS, type CostCategory } from '../settings/index.js';
import {
  getGrant,
  grantFigures,
  grantProjectIds,
  projectActualByMonth,
  projectCategoryFigures,
  projectPeriod,
  type DayRange,
  type GrantRow,
} from './repo.js';
import { expensesHref, type AuditorScope, type ExpenseLinkFilters } from '../grants/index.js';
import { forecastAtPace, monthOf, monthRange, perUnit, PACE_MONTHS } from './rules.js';
import { monthLabel } from './charts.js';
import type { ProjectBudgetView, ScopedProjectBudgetView } from './schemas.js';
import { grantDashboardAttendance, type ProjectMoneyFigures } from './figures.js';

const label = (c: string) => COST_CATEGORY_LABELS[c as CostCategory] ?? c;

export const FORECAST_METHOD = `Réalisé à ce jour + moyenne mensuelle du réalisé des ${PACE_MONTHS} mois complets précédant le mois en cours × nombre de mois entiers restant après le mois en cours jusqu’à la fin de la période.`;

/** Remaining is left out (null) within an auditor's range: it would mix in days outside it. */
function figures(planned: number, committed: number, actual: number, range: DayRange | null = null) {
  return {
    plannedCents: planned,
    committedCents: committed,
    actualCents: actual,
    remainingCents: range ? null : planned - committed,
  };
}

/**
 * The expense lists behind a committed and an actual figure; within a scoped auditor's range,
 * committed by day of service (from/to) and actual by payment day (paidFrom/paidTo).
 */
function links(filters: ExpenseLinkFilters, range: DayRange | null = null) {
  return {
    committed: expensesHref({
      ...filters,
      status: 'committed,actual',
      ...(range ? { from: range.from, to: range.to } : {}),
    }),
    actual: expensesHref({
      ...filters,
      status: 'actual',
      ...(range ? { paidFrom: range.from, paidTo: range.to } : {}),
    }),
  };
}

function monthly(byMonth: Map<string, number>, from: string, to: string) {
  const months = [...byMonth.keys()].sort();
  const first = months[0] && months[0] < monthOf(from) ? months[0] : monthOf(from);
  const last = months.at(-1) && months.at(-1)! > monthOf(to) ? months.at(-1)! : monthOf(to);
  let cumulative = 0;
  return monthRange(first, last).map((month) => {
    const actualCents = byMonth.get(month) ?? 0;
    cumulative += actualCents;
    return { month, label: monthLabel(month), actualCents, cumulativeCents: cumulative };
  });
}

function costs(actualCents: number, attendance: { participants: number; attendedMinutes: number }) {
  return {
    participants: attendance.participants,
    attendedHours: Math.round((attendance.attendedMinutes / 60) * 10) / 10,
    perParticipantCents: perUnit(actualCents, attendance.participants),
    perAttendedHourCents: attendance.attendedMinutes > 0 ? perUnit(actualCents * 60, attendance.attendedMinutes) : null,
  };
}

/**
 * The grant's budget: planned (budget lines), committed, actual and remaining per category,
 * per budget line (category × year) and per project; actual per month of payment and the
 * forecast at the current pace; cost per person who attended and per hour attended (each
 * attendance × the session's length) in held sessions of the grant's projects in its period.
 * Every figure carries the link to the expenses behind it.
 *
 * For an auditor limited to a range of days (`input.range`), the figures are theirs: committed =
 * parts incurred (day of service) in the range, actual = parts paid in the range, monthly
 * burn and cost per person within it; planned stays the grant's budget. Remaining
 * (planned − committed, over whole budget-line years) and the forecast (the pace of the months
 * before today, up to the end of the grant) would mix days outside the range: they are left
 * out (null).
 */
export async function grantDashboard(deps: Deps, acting: Acting, input: { grant: GrantRow; range?: DayRange | null }) {
  const { grant } = input;
  const range = input.range ?? null;
  const settings = await acting.settings();
  const today = localDay(acting.now, settings.timeZone);
  const { lines, projects, actualByMonth: byMonth } = await grantFigures(deps.db, grant.id, range);
  const base = { grantId: grant.id };
  // The days the figures cover: the grant's period, within the auditor's range if any.
  const from = range && range.from > grant.period_start ? range.from : grant.period_start;
  const to = range && range.to < grant.period_end ? range.to : grant.period_end;
  const linked = (filters: ExpenseLinkFilters) => links(filters, range);

  const categories = new Map<string, { planned: number; committed: number; actual: number }>();
  for (const l of lines) {
    const c = categories.get(l.category) ?? { planned: 0, committed: 0, actual: 0 };
    c.planned += l.planned;
    c.committed += l.committed;
    c.actual += l.actual;
    categories.set(l.category, c);
  }
  const total = [...categories.values()].reduce(
    (s, c) => ({ planned: s.planned + c.planned, committed: s.committed + c.committed, actual: s.actual + c.actual }),
    { planned: 0, committed: 0, actual: 0 },
  );
  const forecast = range
    ? null
    : forecastAtPace({ today, periodEnd: grant.period_end, actualToDateCents: total.actual, actualByMonth: byMonth });
  const { attendance, computedAt } = await grantDashboardAttendance(deps, acting, grant, range);

  return {
    grant: {
      id: grant.id,
      reference: grant.reference,
      funder: grant.funder,
      programme: grant.programme,
      periodStart: grant.period_start,
      periodEnd: grant.period_end,
      totalCents: grant.total_cents,
      cofundingRateBp: grant.cofunding_rate_bp,
    },
    asOf: today,
    auditorRange: range ? { from: range.from, to: range.to } : null,
    totals: { ...figures(total.planned, total.committed, total.actual, range), links: linked(base) },
    byCategory: [...categories.entries()].map(([category, c]) => ({
      category,
      label: label(category),
      ...figures(c.planned, c.committed, c.actual, range),
      links: linked({ ...base, category }),
    })),
    byLine: lines.map((l) => ({
      budgetLineId: l.id,
      category: l.category,
      label: label(l.category),
      year: l.year,
      ...figures(l.planned, l.committed, l.actual, range),
      links: linked({ ...base, budgetLineId: l.id }),
    })),
    byProject: projects.map((p) => {
      const planned = p.share_bp === null ? 0 : basisPointsOf(p.planned_total, p.share_bp);
      return {
        projectId: p.project_id,
        name: p.name,
        shareBp: p.share_bp,
        ...figures(planned, p.committed, p.actual, range),
        links: linked({ ...base, projectId: p.project_id }),
      };
    }),
    monthly: monthly(byMonth, from, to).map((m) => ({
      ...m,
      href: expensesHref({ ...base, status: 'actual', ...monthDays(m.month, range) }),
    })),
    forecast: forecast
      ? {
          method: FORECAST_METHOD,
          ...forecast,
          plannedCents: total.planned,
          gapCents: forecast.forecastCents - total.planned,
        }
      : null,
    costs: costs(total.actual, attendance),
    costsComputedAt: computedAt ? computedAt.toISOString() : null,
  };
}

/** The payment days of a month, within a range when one is given. */
function monthDays(month: string, range: DayRange | null = null): { paidFrom: string; paidTo: string } {
  const first = `${month}-01`;
  const last = addDays(addMonths(first, 1), -1);
  return {
    paidFrom: range && range.from > first ? range.from : first,
    paidTo: range && range.to < last ? range.to : last,
  };
}

/**
 * The money side of a project dashboard: planned (project budget) vs committed, actual and
 * remaining per category, actual per month and the forecast to the project's end, cost per
 * person and per hour attended, and the time to money of its claims (calendar days from the
 * end of the session to submission, decision and payment: median and 90th percentile,
 * nearest rank). With an auditor's scope, only their grants' parts instead
 * (`scopedProjectBudget`).
 */
export async function projectBudgetDashboard(
  deps: Deps,
  acting: Acting,
  input: { projectId: string; scope?: undefined; money: ProjectMoneyFigures },
): Promise<ProjectBudget>;
export async function projectBudgetDashboard(
  deps: Deps,
  acting: Acting,
  input: { projectId: string; scope: AuditorScope },
): Promise<ScopedProjectBudget>;
export async function projectBudgetDashboard(
  deps: Deps,
  acting: Acting,
  input: { projectId: string; scope?: AuditorScope; money?: ProjectMoneyFigures },
): Promise<ProjectBudget | ScopedProjectBudget> {
  const { projectId, scope, money } = input;
  if (scope) return scopedProjectBudget(deps, acting, projectId, scope);
  if (!money) throw new Error('projectBudgetDashboard: the whole budget needs the project’s money figures');
  return wholeProjectBudget(deps, acting, projectId, money);
}

export type ProjectBudget = Static<typeof ProjectBudgetView>;
export type ScopedProjectBudget = Static<typeof ScopedProjectBudgetView>;

/**
 * A scoped auditor's money on a project dashboard: for each of their grants that funds the
 * project (or holds parts of its expenses), the grant's parts of this project's expenses
 * within their range on it, by the rule of the grant dashboard (committed = incurred within
 * the range, paid or not; actual = paid within it), in total and per category, each figure
 * linked to the expense list that adds up to it; the same figures as the project's row of
 * that grant's dashboard. The project's own budget, the monthly burn, the forecast, the cost
 * per person and the time to money cover every expense and claim of the project, whatever
 * grant funds it and whenever: they are not given.
 */
async function scopedProjectBudget(
  deps: Deps,
  acting: Acting,
  projectId: string,
  scope: AuditorScope,
): Promise<ScopedProjectBudget> {
  const settings = await acting.settings();
  if (!(await projectPeriod(deps.db, projectId))) throw notFound('Projet');
  const grants = [];
  for (const grantId of scope.grantIds) {
    const range = scope.ranges.get(grantId)!;
    const [grant, { lines }, funded] = await Promise.all([
      getGrant(deps.db, grantId),
      grantFigures(deps.db, grantId, range, projectId),
      grantProjectIds(deps.db, grantId),
    ]);
    if (!grant || (!funded.includes(projectId) && !lines.some((l) => l.committed || l.actual))) continue;
    const base = { grantId, projectId };
    const categories = new Map<string, { committed: number; actual: number }>();
    for (const l of lines) {
      const c = categories.get(l.category) ?? { committed: 0, actual: 0 };
      c.committed += l.committed;
      c.actual += l.actual;
      categories.set(l.category, c);
    }
    const total = [...categories.values()].reduce(
      (t, c) => ({ committed: t.committed + c.committed, actual: t.actual + c.actual }),
      { committed: 0, actual: 0 },
    );
    grants.push({
      grantId,
      reference: grant.reference,
      funder: grant.funder,
      auditorRange: { from: range.from, to: range.to },
      totals: { committedCents: total.committed, actualCents: total.actual, links: links(base, range) },
      byCategory: [...categories.entries()].map(([category, c]) => ({
        category,
        label: label(category),
        committedCents: c.committed,
        actualCents: c.actual,
        links: links({ ...base, category }, range),
      })),
    });
  }
  grants.sort((a, b) => a.reference.localeCompare(b.reference));
  return { asOf: localDay(acting.now, settings.timeZone), grants };
}

async function wholeProjectBudget(
  deps: Deps,
  acting: Acting,
  projectId: string,
  money: ProjectMoneyFigures,
): Promise<ProjectBudget> {
  const settings = await acting.settings();
  const period = await projectPeriod(deps.db, projectId);
  if (!period) throw notFound('Projet');
  const today = localDay(acting.now, settings.timeZone);
  const rows = await projectCategoryFigures(deps.db, projectId);
  const order = Object.keys(COST_CATEGORY_LABELS);
  rows.sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category));
  const total = rows.reduce(
    (s, c) => ({ planned: s.planned + c.planned, committed: s.committed + c.committed, actual: s.actual + c.actual }),
    { planned: 0, committed: 0, actual: 0 },
  );
  const byMonth = await projectActualByMonth(deps.db, projectId);
  const end = period.ends_on;
  const base = { projectId };
  return {
    asOf: today,
    totals: { ...figures(total.planned, total.committed, total.actual), links: links(base) },
    byCategory: rows.map((c) => ({
      category: c.category,
      label: label(c.category),
      ...figures(c.planned, c.committed, c.actual),
      links: links({ ...base, category: c.category }),
    })),
    monthly: monthly(byMonth, period.starts_on, end ?? today).map((m) => ({
      ...m,
      href: expensesHref({ ...base, status: 'actual', ...monthDays(m.month) }),
    })),
    forecast: end
      ? {
          method: FORECAST_METHOD,
          ...forecastAtPace({ today, periodEnd: end, actualToDateCents: total.actual, actualByMonth: byMonth }),
          plannedCents: total.planned,
        }
      : null,
    costs: costs(total.actual, money.attendance),
    timeToMoney: money.timeToMoney,
  };
}
