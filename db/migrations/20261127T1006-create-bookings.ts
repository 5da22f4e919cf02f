import type { Knex } from 'knex';

// Venue bookings. Two confirmed bookings of one venue never overlap: the exclusion
// constraint answers SQLSTATE 23P01, also when two transactions race. Ranges are [) so that
// back-to-back bookings are accepted. A session holds at most one live booking.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE bookings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      venue_id uuid NOT NULL REFERENCES venues (id),
      session_id uuid REFERENCES sessions (id),
      during tstzrange NOT NULL CHECK (NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)),
      status text NOT NULL DEFAULT 'option' CHECK (status IN ('option', 'confirmed', 'cancelled')),
      cost_cents integer NOT NULL DEFAULT 0 CHECK (cost_cents >= 0),
      option_expires_at timestamptz,
      confirmed_at timestamptz,
      cancelled_at timestamptz,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT bookings_no_overlap EXCLUDE USING gist (venue_id WITH =, during WITH &&) WHERE (status = 'confirmed')
    );
    CREATE INDEX bookings_venue_start ON bookings (venue_id, lower(during));
    CREATE UNIQUE INDEX bookings_one_live_per_session ON bookings (session_id) WHERE status <> 'cancelled';
    CREATE INDEX bookings_option_expiry ON bookings (option_expires_at) WHERE status = 'option';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE bookings');
}
