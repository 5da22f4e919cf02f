import type { Knex } from 'knex';

// Participants (usagers). Every personal column is declared in the personal-data registry
// (server/privacy/registry/registry.ts). Lifecycle: active → archived → anonymised. The reference is
// the only identifier used in grant justifications; it survives anonymisation.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE participants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference text NOT NULL UNIQUE DEFAULT next_reference('P'),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived', 'anonymised')),
      civility text CHECK (civility IN ('mme', 'm', 'mx')),
      first_name text,
      last_name text,
      email text,
      phone text,
      address_line1 text,
      address_line2 text,
      postal_code text CHECK (postal_code ~ '^[0-9]{5}$'),
      commune_insee text CHECK (commune_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
      commune_name text,
      preferred_channel text NOT NULL DEFAULT 'letter' CHECK (preferred_channel IN ('email', 'phone', 'letter', 'partner')),
      partner_id uuid REFERENCES partners (id),
      is_minor boolean NOT NULL DEFAULT false,
      guardian_name text,
      guardian_email text,
      guardian_phone text,
      guardian_consent_on date,
      needs text[] NOT NULL DEFAULT '{}'
        CHECK (needs <@ ARRAY['step_free_access', 'hearing_loop', 'sign_language', 'large_print', 'childcare', 'accompanying_person', 'other']::text[]),
      needs_note text,
      profile_age_band text CHECK (profile_age_band IN ('16-24', '25-29', '30-44', '45-59', '60-74', '75+')),
      profile_activity text CHECK (profile_activity IN ('in_work', 'job_seeker', 'student', 'retired', 'other')),
      profile_household text CHECK (profile_household IN ('single', 'couple', 'with_children', 'single_parent')),
      profile_commune_insee text CHECK (profile_commune_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
      merged_into_id uuid REFERENCES participants (id),
      last_contact_at timestamptz NOT NULL DEFAULT now(),
      archived_at timestamptz,
      anonymised_at timestamptz,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (status <> 'active' OR (first_name IS NOT NULL AND last_name IS NOT NULL)),
      CHECK (NOT is_minor OR status <> 'active' OR guardian_name IS NOT NULL),
      CHECK (merged_into_id IS NULL OR merged_into_id <> id)
    );
    CREATE INDEX participants_last_name ON participants (lower(last_name), lower(first_name), id);
    CREATE INDEX participants_email ON participants (lower(email));
    CREATE INDEX participants_phone ON participants (phone);
    CREATE INDEX participants_commune ON participants (commune_insee);
    CREATE INDEX participants_partner ON participants (partner_id);
    CREATE INDEX participants_status_contact ON participants (status, last_contact_at);
    CREATE INDEX participants_created ON participants (created_at, id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE participants');
}
