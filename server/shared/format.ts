import { DEFAULT_TIME_ZONE } from './dates.js';
/** French formatting of dates for pages, letters and exports (money: ./money.ts). */

/** `12/03/2026 14:00` in the given time zone. */
export function formatDateTime(value: Date | string, timeZone = DEFAULT_TIME_ZONE): string {
  const d = typeof value === 'string' ? new Date(value) : value;
  return new Intl.DateTimeFormat('fr-FR', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })
    .format(d)
    .replace(/[\u202f\u00a0]/g, ' ')
    .replace(',', '');
}

/** `12/03/2026`; a `YYYY-MM-DD` string is a calendar day and is not shifted by time zones. */
export function formatDate(value: Date | string, timeZone = DEFAULT_TIME_ZONE): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  const d = typeof value === 'string' ? new Date(value) : value;
  return new Intl.DateTimeFormat('fr-FR', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
}
