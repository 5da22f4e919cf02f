import type { Knex } from 'knex';

// One organisation per deployment: a single row, its fields validated by the settings schema.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE organisation_settings (
      id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      data jsonb NOT NULL,
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid REFERENCES users (id) ON DELETE SET NULL
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE organisation_settings');
}
