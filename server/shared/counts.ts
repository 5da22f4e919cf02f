import type { Knex } from 'knex';
import type { Db } from './db.js';

/**
 * Above this, a page says "plus de 10 000" instead of counting on: counting a million rows on
 * every view costs a page 100 ms (issue 16), and nobody reads the exact figure past that.
 */
export const COUNT_CAP = 10_000;

/**
 * How many rows each key selects, each counted up to `cap + 1` (a value over the cap means
 * "more than"): one statement whose cost is bounded by the cap, whatever the size of the table
 * (each key reads at most cap + 1 index entries).
 */
export async function cappedCounts(
  db: Db,
  keys: readonly string[],
  rowsOf: (key: string) => Knex.QueryBuilder,
  cap = COUNT_CAP,
): Promise<Record<string, number>> {
  const parts = keys.map((key) =>
    db.raw('SELECT ?::text AS key, count(*)::int AS n FROM (?) AS x', [
      key,
      rowsOf(key)
        .clearSelect()
        .select(db.raw('1'))
        .limit(cap + 1),
    ]),
  );
  const { rows } = await db.raw(parts.map(() => '(?)').join(' UNION ALL '), parts);
  return Object.fromEntries((rows as { key: string; n: number }[]).map((r) => [r.key, Number(r.n)]));
}

/** A capped count as a page shows it: the number, or "plus de 10 000". */
export function countLabel(n: number, cap = COUNT_CAP): string {
  return n > cap ? `plus de ${cap.toLocaleString('fr-FR')}` : String(n);
}
