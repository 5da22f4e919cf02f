import type { Knex } from 'knex';

// btree_gist lets one GiST index mix equality (venue) and range overlap (time): the
// exclusion constraint on bookings needs it.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS btree_gist');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP EXTENSION IF EXISTS btree_gist');
}
