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
