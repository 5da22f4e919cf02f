import type { Knex } from 'knex';

// Target panel composition, in the profile's terms (e.g. 30 % single parents).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE project_targets (
      project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      dimension text NOT NULL CHECK (dimension IN ('age_band', 'activity', 'household')),
      value text NOT NULL CHECK (length(value) BETWEEN 1 AND 40),
      percent integer NOT NULL CHECK (percent BETWEEN 0 AND 100),
      PRIMARY KEY (project_id, dimension, value)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE project_targets');
}
