/**
 * Local-time windows for the rules that depend on the time away (meals, nights): a window
 * counts when it lies wholly inside [departure, return], bounds included, in the
 * organisation's time zone. All arithmetic is on instants; only the window bounds are local.
 */
import { addDays, toLocal } from '../shared/dates.js';

export interface LocalWindow {
  /** Minutes after local midnight (11:00 = 660). */
  from: number;
  to: number;
}

export const MEAL_WINDOWS: readonly LocalWindow[] = [
  { from: 11 * 60, to: 14 * 60 },
  { from: 18 * 60, to: 21 * 60 },
];
export const NIGHT_WINDOW: LocalWindow = { from: 0, to: 5 * 60 };

/** Offset of the zone from UTC at an instant, in ms (minute precision is enough for wall clocks). */
function offsetAt(ms: number, timeZone: string): number {
  const { date, minutes } = toLocal(new Date(ms), timeZone);
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d, 0, minutes) - Math.floor(ms / 60_000) * 60_000;
}

/**
 * The instant at which the wall clock of `timeZone` shows `date` at `minutes` after midnight.
 * Where a DST change repeats that time, the earlier instant; where it skips it (zones that
 * change at midnight; none of the French ones), the instant read with the earlier offset,
 * whose wall clock is past the skipped time. Never throws.
 */
export function localInstant(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const asUtc = Date.UTC(y, m - 1, d, 0, minutes);
  const offsets = [
    ...new Set([
      offsetAt(asUtc - 86_400_000, timeZone),
      offsetAt(asUtc, timeZone),
      offsetAt(asUtc + 86_400_000, timeZone),
    ]),
  ];
  const candidates = offsets.map((o) => asUtc - o);
  const exact = candidates.filter((c) => offsetAt(c, timeZone) === asUtc - c);
  if (exact.length) return new Date(Math.min(...exact));
  return new Date(Math.max(...candidates));
}

/**
 * How many times `window` lies wholly inside [departure, return] (bounds included), counting
 * each local calendar day the time away touches.
 */
export function countWindows(departure: Date, ret: Date, window: LocalWindow, timeZone: string): number {
  if (ret.getTime() < departure.getTime()) return 0;
  const first = toLocal(departure, timeZone).date;
  const last = toLocal(ret, timeZone).date;
  let count = 0;
  for (let day = first; day <= last; day = addDays(day, 1)) {
    const start = localInstant(day, window.from, timeZone).getTime();
    const end = localInstant(day, window.to, timeZone).getTime();
    if (departure.getTime() <= start && ret.getTime() >= end) count++;
  }
  return count;
}
