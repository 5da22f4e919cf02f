import type { Knex } from 'knex';

// Venues (lieux) with the accessibility attributes invitations are checked against.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE venues (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      address text NOT NULL DEFAULT '',
      postal_code text CHECK (postal_code ~ '^[0-9]{5}$'),
      commune_insee text CHECK (commune_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
      commune_name text,
      capacity integer NOT NULL CHECK (capacity > 0),
      step_free_access boolean NOT NULL DEFAULT false,
      accessible_toilets boolean NOT NULL DEFAULT false,
      hearing_loop boolean NOT NULL DEFAULT false,
      pmr_parking boolean NOT NULL DEFAULT false,
      childcare_space boolean NOT NULL DEFAULT false,
      transport_access text NOT NULL DEFAULT '',
      cost_mode text NOT NULL DEFAULT 'free' CHECK (cost_mode IN ('free', 'half_day', 'day')),
      cost_cents integer NOT NULL DEFAULT 0 CHECK (cost_cents >= 0),
      contact_name text,
      contact_phone text,
      contact_email text,
      notes text NOT NULL DEFAULT '',
      active boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX venues_name ON venues (lower(name), id);
    CREATE INDEX venues_commune ON venues (commune_insee);
    CREATE INDEX venues_capacity ON venues (capacity) WHERE active;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE venues');
}
