import type { Knex } from 'knex';

// Stored, folded copies of what the participants list sorts and searches on, written by the
// app with every change of the source columns (server/participants/search-columns.ts), so that
// indexes serve the sort and the search instead of an expression computed over every row:
// - sort_name: last and first name, lower case, accents removed ("nguyen thi anh"); the list's
//   sort order and the name search. A copy of the names: erased with them at anonymisation
//   (to '', so that the sort column stays NOT NULL).
// - search_contact: e-mail (folded) and phone digits ("anh@exemple.fr 0639980201"): a copy of
//   the contact details, erased with them at archiving.
// Both are declared in the personal-data registry.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE participants
      ADD COLUMN sort_name text NOT NULL DEFAULT '',
      ADD COLUMN search_contact text
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE participants DROP COLUMN search_contact, DROP COLUMN sort_name');
}
