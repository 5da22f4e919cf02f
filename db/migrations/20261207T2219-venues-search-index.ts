import type { Knex } from 'knex';

// The venues search by part of a word of the name, address or commune.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX venues_search_text_trgm ON venues USING gin (search_text gin_trgm_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX venues_search_text_trgm');
}
