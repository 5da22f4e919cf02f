import type { Knex } from 'knex';

/** `%text%` for ILIKE, with the wildcard characters the person typed taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * SQL for a column folded for search and sorting: lower case, accents removed (Unicode NFD,
 * combining marks dropped), so `Nguyen` finds `Nguyễn` and `Élodie` sorts with the E's.
 * `column` is an identifier, quoted by knex.
 */
export function foldedSql(knex: Knex, column: string): Knex.Raw {
  return knex.raw("regexp_replace(normalize(lower(coalesce(??, '')), NFD), '[\\u0300-\\u036f]', '', 'g')", [column]);
}

/** The text a person typed, folded the same way as `foldedSql`. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}
