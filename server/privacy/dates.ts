/** Calendar days for privacy deadlines (`YYYY-MM-DD`, no time, no time zone shift). */

/**
 * The legal one-month deadline of a request (GDPR art. 12(3)): the same day of the next
 * month, or that month's last day when it has no such day (31 January → 28 or 29 February).
 */
export function addOneMonth(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const year = m === 12 ? y + 1 : y;
  const month = m === 12 ? 1 : m + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** The calendar day of an instant in a time zone. */
export function localDay(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** `day` plus `n` days (negative to go back). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
