import type { Knex } from 'knex';

// Fills the search columns of the participants recorded before them, folded as the app folds
// (server/shared/search.ts: lower case, Unicode NFD, combining marks dropped). Anonymised
// people keep nothing: their names and contacts are already gone.
const fold = (column: string) =>
  `regexp_replace(normalize(lower(coalesce(${column}, '')), NFD), '[\\u0300-\\u036f]', '', 'g')`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    UPDATE participants SET
      sort_name = ${fold('last_name')} || ' ' || ${fold('first_name')},
      search_contact = nullif(concat_ws(' ', nullif(${fold('email')}, ''), nullif(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), '')), '')
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`UPDATE participants SET sort_name = '', search_contact = NULL`);
}
