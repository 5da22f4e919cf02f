import type { Knex } from 'knex';

// Associations and services that refer participants (structures relais).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE partners (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      kind text NOT NULL DEFAULT 'association' CHECK (kind IN ('association', 'public_service', 'company', 'other')),
      contact_name text,
      email text,
      phone text,
      address_line1 text,
      postal_code text,
      commune_insee text CHECK (commune_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
      commune_name text,
      notes text,
      active boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX partners_name_unique ON partners (lower(name));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE partners');
}
