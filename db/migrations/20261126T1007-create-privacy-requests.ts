import type { Knex } from 'knex';

// Requests of the person (GDPR arts. 15–21): access, rectification, erasure, objection, with
// the legal one-month deadline and the outcome.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE privacy_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference text NOT NULL UNIQUE DEFAULT next_reference('D'),
      participant_id uuid REFERENCES participants (id),
      kind text NOT NULL CHECK (kind IN ('access', 'rectification', 'erasure', 'objection')),
      received_on date NOT NULL,
      channel text NOT NULL CHECK (channel IN ('mail', 'email', 'phone', 'in_person', 'partner')),
      requester_note text,
      due_on date NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'refused')),
      outcome_code text,
      outcome_note text,
      completed_on date,
      handled_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (due_on >= received_on),
      CHECK ((status = 'open') = (completed_on IS NULL))
    );
    CREATE INDEX privacy_requests_open ON privacy_requests (status, due_on);
    CREATE INDEX privacy_requests_participant ON privacy_requests (participant_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE privacy_requests');
}
