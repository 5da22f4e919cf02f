/**
 * Dates and times in the organisation's time zone (default Europe/Paris). Instants are stored
 * in UTC; people type and read local wall-clock times. The only module that converts.
 */
import { isValidLocalDate } from './validators.js';

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: Date, timeZone: string): WallClock {
  const parts = Object.fromEntries(
    partsFormatter(timeZone)
      .formatToParts(instant)
      .filter((p) => p.type !== 'literal')
      .map((p) => [p.type, Number(p.value)]),
  );
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour % 24,
    minute: parts.minute,
    second: parts.second,
  };
}

/** Offset of the zone from UTC at this instant, in milliseconds (Paris: +1 h or +2 h). */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(new Date(ms), timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Why a local time has no single instant: a DST change skips it (`gap`) or repeats it (`ambiguous`). */
export class LocalTimeError extends Error {
  constructor(readonly reason: 'gap' | 'ambiguous' | 'invalid') {
    super(
      reason === 'gap'
        ? 'cette heure n’existe pas ce jour-là (passage à l’heure d’été) : choisissez une autre heure'
        : reason === 'ambiguous'
          ? 'cette heure existe deux fois ce jour-là (passage à l’heure d’hiver) : choisissez une autre heure ou indiquez le décalage horaire'
          : 'doit être une date (AAAA-MM-JJ) et une heure (HH:MM) valides',
    );
  }
}

/**
 * The one instant at which the wall clock of `timeZone` shows `date` `time`. Throws a
 * LocalTimeError when the time is skipped (spring DST change) or repeated (autumn change).
 */
export function localToInstant(date: string, time: string, timeZone = DEFAULT_TIME_ZONE): Date {
  const tm = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!isValidLocalDate(date) || !tm) throw new LocalTimeError('invalid');
  const [y, m, d] = date.split('-').map(Number);
  const asUtc = Date.UTC(y, m - 1, d, Number(tm[1]), Number(tm[2]));
  const offsets = new Set([
    offsetAt(asUtc - 86_400_000, timeZone),
    offsetAt(asUtc, timeZone),
    offsetAt(asUtc + 86_400_000, timeZone),
  ]);
  const found = new Set<number>();
  for (const o of offsets) {
    const candidate = asUtc - o;
    const w = wallClock(new Date(candidate), timeZone);
    if (Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) === asUtc) found.add(candidate);
  }
  if (found.size === 0) throw new LocalTimeError('gap');
  if (found.size > 1) throw new LocalTimeError('ambiguous');
  return new Date([...found][0]);
}

/** Parses `YYYY-MM-DDTHH:MM` (local, no offset) into an instant; see `localToInstant`. */
export function localDateTimeToInstant(value: string, timeZone = DEFAULT_TIME_ZONE): Date {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(value);
  if (!m) throw new LocalTimeError('invalid');
  return localToInstant(m[1], m[2], timeZone);
}

/** The local calendar day and wall-clock time of an instant: `{ date: '2026-10-25', time: '14:00' }`. */
export function toLocal(instant: Date, timeZone = DEFAULT_TIME_ZONE): { date: string; time: string; minutes: number } {
  const w = wallClock(instant, timeZone);
  return {
    date: `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`,
    time: `${pad(w.hour)}:${pad(w.minute)}`,
    minutes: w.hour * 60 + w.minute,
  };
}

/** The calendar day (`YYYY-MM-DD`) of an instant in a time zone: "today" is `localDay(now, tz)`. */
export function localDay(instant: Date, timeZone = DEFAULT_TIME_ZONE): string {
  return toLocal(instant, timeZone).date;
}

/** `2026-01-31` + 1 month → `2026-02-28`: the day is kept, or clamped to the end of the target month. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(d, lastDay))}`;
}

/** A `YYYY-MM-DD` string plus `days` calendar days (negative to go back). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + days));
  return `${pad(next.getUTCFullYear(), 4)}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
}

/** `14 h 00`, `9 h 30` (French usage in letters). */
export function formatTimeFr(instant: Date, timeZone = DEFAULT_TIME_ZONE): string {
  const [h, m] = toLocal(instant, timeZone).time.split(':');
  return `${Number(h)} h ${m}`;
}

const longDate = new Map<string, Intl.DateTimeFormat>();
/** `dimanche 25 octobre 2026`, in the zone's calendar. */
export function formatLongDate(instant: Date, timeZone = DEFAULT_TIME_ZONE): string {
  let f = longDate.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('fr-FR', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    longDate.set(timeZone, f);
  }
  return f.format(instant).replace(/[\u202f\u00a0]/g, ' ');
}

/** `dimanche 25 octobre 2026, de 14 h 00 à 17 h 00` (end on another day is spelled out). */
export function formatLocalRange(start: Date, end: Date, timeZone = DEFAULT_TIME_ZONE): string {
  const sameDay = toLocal(start, timeZone).date === toLocal(end, timeZone).date;
  return sameDay
    ? `${formatLongDate(start, timeZone)}, de ${formatTimeFr(start, timeZone)} à ${formatTimeFr(end, timeZone)}`
    : `du ${formatLongDate(start, timeZone)} à ${formatTimeFr(start, timeZone)} au ${formatLongDate(end, timeZone)} à ${formatTimeFr(end, timeZone)}`;
}

/** `25/10/2026 14:00` (tables). */
export function formatLocalShort(instant: Date, timeZone = DEFAULT_TIME_ZONE): string {
  const { date, time } = toLocal(instant, timeZone);
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y} ${time}`;
}
