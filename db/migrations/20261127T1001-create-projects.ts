import type { Knex } from 'knex';

// Projects (démarches participatives). The participation level is shown to participants so
// they know what their voice weighs. Null overrides inherit the organisation's settings.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE projects (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      description text NOT NULL DEFAULT '',
      participation_level text NOT NULL CHECK (participation_level IN ('information', 'consultation', 'concertation', 'co_construction')),
      lead_user_id uuid REFERENCES users (id),
      starts_on date NOT NULL,
      ends_on date,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
      solicitation_limit integer CHECK (solicitation_limit BETWEEN 1 AND 50),
      allowance_enabled boolean NOT NULL DEFAULT false,
      allowance_half_day_cents integer CHECK (allowance_half_day_cents >= 0),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_on IS NULL OR ends_on >= starts_on),
      CHECK (NOT allowance_enabled OR allowance_half_day_cents IS NOT NULL)
    );
    CREATE INDEX projects_status_name ON projects (status, lower(name), id);
    CREATE INDEX projects_lead ON projects (lead_user_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE projects');
}
