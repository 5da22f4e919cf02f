import { ctx } from '../helpers/context.js';
import { localDay, addMonths } from '../../server/shared/dates.js';

/** Today in the organisation's time zone, as the server sees it. */
export function today(): string {
  return localDay(ctx().deps.now(), 'Europe/Paris');
}

export function daysFromToday(days: number): string {
  const d = new Date(`${today()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export { addMonths };

export async function auditActions(recordId: string): Promise<string[]> {
  const rows = await ctx().deps.db('audit_events').where({ record_id: recordId }).orderBy('id').select('action');
  return rows.map((r) => r.action);
}
