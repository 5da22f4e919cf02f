import type { Knex } from 'knex';

// Failed logins counted per account and per address (keys are keyed hashes, not the values),
// in the database so that every instance sees the same counts.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE login_attempts (
      key text PRIMARY KEY,
      window_start timestamptz NOT NULL,
      failures integer NOT NULL DEFAULT 0
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE login_attempts');
}
