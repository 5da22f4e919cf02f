import type { Knex } from 'knex';

// pg_trgm indexes text by its trigrams, so that a search for a part of a name or an address
// (`LIKE '%martin%'`) reads the index instead of every row. PGlite ships it as a contrib
// extension (loaded in server/shared/db.ts).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP EXTENSION IF EXISTS pg_trgm');
}
