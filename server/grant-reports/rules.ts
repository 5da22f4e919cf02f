import { cents, roundHalfUp, sumCents, type Cents } from '../shared/money.js';

/**
 * Nearest-rank percentile: the smallest value such that at least p % of the values are at or
 * below it, i.e. the value at rank ⌈p/100 × n⌉ of the sorted list (1-based). Always one of
 * the observed values; null for an empty list. The median is the 50th percentile by the same
 * method (the lower middle value of an even-sized list).
 */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  if (p <= 0 || p > 100) throw new Error('p must be in (0, 100]');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

/** `2026-03` for a `YYYY-MM-DD` day. */
export const monthOf = (day: string) => day.slice(0, 7);

/** `2026-03` + n months → `2026-05` (n may be negative). */
export function addMonthKey(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Months from `a` to `b` (`2026-01` → `2026-03` is 2). */
export function monthsBetween(a: string, b: string): number {
  const [ya, ma] = a.split('-').map(Number);
  const [yb, mb] = b.split('-').map(Number);
  return yb * 12 + mb - (ya * 12 + ma);
}

/** Every month key from `from` to `to` inclusive. */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; monthsBetween(m, to) >= 0; m = addMonthKey(m, 1)) out.push(m);
  return out;
}

export const PACE_MONTHS = 6;

/**
 * Forecast of actual spend at the end of a period at the current pace: the pace is the
 * average actual spend per month over the 6 complete calendar months before the current
 * month (months before the period's start count as zero); the forecast is the actual spend
 * so far plus that pace times the whole months left after the current month up to the
 * period's end month. Once the period is over, the forecast is the actual spend.
 */
export function forecastAtPace(options: {
  today: string;
  periodEnd: string;
  actualToDateCents: number;
  actualByMonth: Map<string, number>;
}): { paceCents: Cents; monthsLeft: number; forecastCents: Cents } {
  const current = monthOf(options.today);
  let last6 = 0;
  for (let i = 1; i <= PACE_MONTHS; i++) last6 += options.actualByMonth.get(addMonthKey(current, -i)) ?? 0;
  const monthsLeft = Math.max(0, monthsBetween(current, monthOf(options.periodEnd)));
  const paceCents = roundHalfUp(BigInt(last6), BigInt(PACE_MONTHS));
  const forecastCents = sumCents(
    cents(options.actualToDateCents),
    roundHalfUp(BigInt(last6) * BigInt(monthsLeft), BigInt(PACE_MONTHS)),
  );
  return { paceCents, monthsLeft, forecastCents };
}

/** `part / whole` in cents, half up; null when there is nothing to divide by. */
export function perUnit(totalCents: number, units: number): Cents | null {
  return units > 0 ? roundHalfUp(BigInt(totalCents), BigInt(units)) : null;
}

/** Gap in percent of planned, to one decimal (null when nothing was planned). */
export function gapPercent(plannedCents: number, actualCents: number): number | null {
  if (plannedCents === 0) return null;
  return Math.round(((actualCents - plannedCents) * 1000) / plannedCents) / 10;
}

/** What earlier drawdowns of a grant recorded for one year. */
export interface DrawnSoFar {
  eligibleCents: number;
  requestedCents: number;
}

/**
 * What a drawdown records per calendar year, worked out on the cumulative figures so that
 * withdrawals and ceilings net off exactly: after this drawdown the grant has claimed, for the
 * year, `claimedCents` of eligible spend (its live claimed parts); the funder owes
 * min(claimed × cofunding rate (basis points, half up), the year's ceiling if any); the
 * drawdown records the change from what earlier drawdowns recorded. Both figures are negative
 * when parts were withdrawn (payment rejected, claim cancelled) and nothing new outweighs
 * them; a year whose figures do not change is left out.
 */
export function requestedPerYear(
  claimedByYear: Map<number, number>,
  rateBp: number,
  ceilings: Map<number, number>,
  soFar: Map<number, DrawnSoFar>,
): {
  year: number;
  eligibleCents: number;
  claimedCents: number;
  dueCents: number;
  requestedCents: number;
  capped: boolean;
}[] {
  const years = [...new Set([...claimedByYear.keys(), ...soFar.keys()])].sort((a, b) => a - b);
  return years
    .map((year) => {
      const claimedCents = claimedByYear.get(year) ?? 0;
      const before = soFar.get(year) ?? { eligibleCents: 0, requestedCents: 0 };
      const uncapped = roundHalfUp(BigInt(claimedCents) * BigInt(rateBp), 10000n);
      const ceiling = ceilings.get(year);
      const dueCents = ceiling === undefined ? uncapped : Math.min(uncapped, ceiling);
      return {
        year,
        eligibleCents: claimedCents - before.eligibleCents,
        claimedCents,
        dueCents,
        requestedCents: dueCents - before.requestedCents,
        capped: dueCents < uncapped,
      };
    })
    .filter((y) => y.eligibleCents !== 0 || y.requestedCents !== 0);
}
