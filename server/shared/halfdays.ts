import { addDays, toLocal, DEFAULT_TIME_ZONE } from './dates.js';
import { cents, type Cents } from './money.js';

/** Half-days split at 13:00 local time (docs/domain.md#half-days). */
export const HALF_DAY_SPLIT_MINUTES = 13 * 60;

export interface HalfDayCount {
  /** Morning and afternoon parts touched, summed over the local days. */
  halfDays: number;
  /** Local calendar days touched. */
  days: number;
}

/**
 * Counts the half-days a time range touches in local time: before 13:00 is a morning, from
 * 13:00 an afternoon; a range touching both counts two; each local day counts on its own.
 * The range is half-open [start, end): a session ending at 13:00 sharp is a morning only.
 */
export function countHalfDays(start: Date, end: Date, timeZone = DEFAULT_TIME_ZONE): HalfDayCount {
  if (!(end.getTime() > start.getTime())) return { halfDays: 0, days: 0 };
  const first = toLocal(start, timeZone);
  const lastInstant = toLocal(new Date(end.getTime() - 1), timeZone);
  const endLocal = toLocal(end, timeZone);
  let halfDays = 0;
  let days = 0;
  for (let day = first.date; day <= lastInstant.date; day = addDays(day, 1)) {
    const from = day === first.date ? first.minutes : 0;
    const to = day === endLocal.date ? endLocal.minutes : 24 * 60;
    if (to <= from) continue;
    days++;
    if (from < HALF_DAY_SPLIT_MINUTES) halfDays++;
    if (to > HALF_DAY_SPLIT_MINUTES) halfDays++;
  }
  return { halfDays, days };
}

export type VenueCostMode = 'free' | 'half_day' | 'day';

/** A venue's cost for a range: free, per half-day touched or per local day touched. */
export function venueCost(
  mode: VenueCostMode,
  unitCents: number,
  start: Date,
  end: Date,
  timeZone = DEFAULT_TIME_ZONE,
): Cents {
  if (mode === 'free') return cents(0);
  const { halfDays, days } = countHalfDays(start, end, timeZone);
  return cents((mode === 'half_day' ? halfDays : days) * unitCents);
}
