import type { Knex } from 'knex';

// Fills the search columns of the partners recorded before them, folded as the app folds
// (server/shared/search.ts: lower case, Unicode NFD, combining marks dropped).
const fold = (column: string) =>
  `regexp_replace(normalize(lower(coalesce(${column}, '')), NFD), '[\\u0300-\\u036f]', '', 'g')`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    UPDATE partners SET
      sort_name = ${fold('name')},
      search_text = concat_ws(' ', nullif(${fold('name')}, ''), nullif(${fold('contact_name')}, ''),
                              nullif(${fold('commune_name')}, ''), nullif(${fold('email')}, ''))
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`UPDATE partners SET sort_name = '', search_text = ''`);
}
