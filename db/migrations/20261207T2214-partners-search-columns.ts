import type { Knex } from 'knex';

// Stored, folded copies for the partners list, written by the app with every change of the
// source columns (server/partners/repo.ts): sort_name, the organisation's name lower case and
// without accents (the list's sort, and the search of participants by their partner's name);
// search_text, its name, contact, commune and e-mail folded the same way (the list's search).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE partners
      ADD COLUMN sort_name text NOT NULL DEFAULT '',
      ADD COLUMN search_text text NOT NULL DEFAULT ''
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE partners DROP COLUMN search_text, DROP COLUMN sort_name');
}
