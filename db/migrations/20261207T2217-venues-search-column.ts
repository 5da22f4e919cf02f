import type { Knex } from 'knex';

// A stored, folded copy of a venue's name, address and commune (lower case, accents removed),
// written by the app with every change of them (server/venues/repo.ts), so that the venues
// search finds "Médiathèque" by "mediatheque" through a trigram index.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE venues ADD COLUMN search_text text NOT NULL DEFAULT ''`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE venues DROP COLUMN search_text');
}
