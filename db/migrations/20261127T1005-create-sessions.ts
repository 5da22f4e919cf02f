import type { Knex } from 'knex';

// Sessions (ateliers, comités, entretiens…) of a project: instants in UTC, shown in the
// organisation's time zone.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      project_id uuid NOT NULL REFERENCES projects (id),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      kind text NOT NULL CHECK (kind IN ('workshop', 'committee', 'interview', 'focus_group', 'other')),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'held', 'cancelled')),
      capacity integer NOT NULL CHECK (capacity > 0),
      meal_provided boolean NOT NULL DEFAULT false,
      childcare_on_site boolean NOT NULL DEFAULT false,
      cancelled_at timestamptz,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at),
      CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
    );
    CREATE INDEX sessions_project_start ON sessions (project_id, starts_at);
    CREATE INDEX sessions_start ON sessions (starts_at, id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE sessions');
}
