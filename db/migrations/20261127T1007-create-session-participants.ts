import type { Knex } from 'knex';

// Invitations and attendance, one row per participant and session. The override reason is
// free text on the business record (erasable), the audit log holds only its code.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE session_participants (
      session_id uuid NOT NULL REFERENCES sessions (id),
      participant_id uuid NOT NULL REFERENCES participants (id),
      status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'confirmed', 'declined', 'attended', 'absent_excused', 'absent')),
      walk_in boolean NOT NULL DEFAULT false,
      invited_at timestamptz,
      replied_at timestamptz,
      attendance_recorded_at timestamptz,
      override_reason_code text CHECK (override_reason_code IN ('solicitation_override')),
      override_reason text CHECK (length(override_reason) <= 500),
      PRIMARY KEY (session_id, participant_id),
      CHECK (walk_in OR invited_at IS NOT NULL)
    );
    CREATE INDEX session_participants_participant ON session_participants (participant_id, session_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE session_participants');
}
