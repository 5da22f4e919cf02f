import type { Knex } from 'knex';

// Fills the search column of the venues recorded before it, folded as the app folds
// (server/shared/search.ts: lower case, Unicode NFD, combining marks dropped).
const fold = (column: string) =>
  `regexp_replace(normalize(lower(coalesce(${column}, '')), NFD), '[\\u0300-\\u036f]', '', 'g')`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    UPDATE venues SET search_text = concat_ws(' ', nullif(${fold('name')}, ''), nullif(${fold('address')}, ''),
                                              nullif(${fold('commune_name')}, ''))
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`UPDATE venues SET search_text = ''`);
}
