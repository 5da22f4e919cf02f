import type { Knex } from 'knex';

/** `%text%` for ILIKE, with the wildcard characters the person typed taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Text folded for search and sorting: lower case, accents removed (Unicode NFD, combining marks
 * dropped), so `Nguyen` finds `Nguyễn` and `Élodie` sorts with the E's. The stored search
 * columns hold text folded by this function (the migrations that backfilled them did the same
 * in SQL: `regexp_replace(normalize(lower(…), NFD), '[\u0300-\u036f]', '', 'g')`).
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * One `%word%` pattern per word of what a person typed, folded like `foldText`: a stored folded
 * name matches when it holds every one, in any order ("élodie mar" finds "martin elodie").
 */
export function wordPatterns(text: string): string[] {
  return foldText(text)
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => containsPattern(w));
}

/**
 * Up to this many matches of a search are fetched through the search indexes and sorted; more
 * are dense enough to fill a page early by walking the sort index. Sorting m matches reads
 * about 2m rows (count, then fetch), walking about rows × page / m: the two cross near 2,000
 * at 100,000 people (scale 1). Walking to fewer matches could read most of the table: the
 * people of one name sit together in the name order.
 */
export const SORT_MATCHES_UP_TO = 2_000;

/**
 * The rows a search finds, as a source to sort and page: `matches` builds the (unordered)
 * query. Up to SORT_MATCHES_UP_TO of them, it is fenced by a LIMIT above their count (the
 * planner then fetches them through the search indexes and sorts them, instead of walking the
 * sort index to them); beyond, it is returned as is, for the planner to walk.
 */
export async function searchSource(
  db: Knex | Knex.Transaction,
  matches: () => Knex.QueryBuilder,
): Promise<{ source: Knex.QueryBuilder }> {
  const sample = matches()
    .clearSelect()
    .select(db.raw('1'))
    .limit(SORT_MATCHES_UP_TO + 1);
  const [{ n }] = await db.from(sample.as('m')).count({ n: '*' });
  // Wrapped: a query builder is thenable, and an async function would run it.
  return { source: Number(n) <= SORT_MATCHES_UP_TO ? matches().limit(SORT_MATCHES_UP_TO + 1) : matches() };
}
