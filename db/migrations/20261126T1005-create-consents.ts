import type { Knex } from 'knex';

// Purposes (finalités) are settings: legal basis, plain-French text and its version. A consent
// records which text version the person agreed to, how (paper, oral witnessed by a named staff
// member, online), when, until when, and its withdrawal — a dated event, never a delete.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE consent_purposes (
      code text PRIMARY KEY CHECK (code ~ '^[a-z_]{2,40}$'),
      label text NOT NULL,
      text text NOT NULL,
      legal_basis text NOT NULL CHECK (legal_basis IN ('consent', 'public_task', 'legal_obligation')),
      special_category boolean NOT NULL DEFAULT false,
      text_version integer NOT NULL DEFAULT 1 CHECK (text_version > 0),
      validity_months integer CHECK (validity_months > 0),
      active boolean NOT NULL DEFAULT true,
      position integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE consents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      participant_id uuid NOT NULL REFERENCES participants (id),
      purpose_code text NOT NULL REFERENCES consent_purposes (code),
      legal_basis text NOT NULL CHECK (legal_basis IN ('consent', 'public_task', 'legal_obligation')),
      text_version integer NOT NULL,
      channel text NOT NULL CHECK (channel IN ('paper', 'oral', 'online')),
      witness_user_id uuid REFERENCES users (id),
      given_on date NOT NULL,
      expires_on date,
      evidence_file_id uuid REFERENCES files (id),
      withdrawn_on date,
      withdrawal_channel text CHECK (withdrawal_channel IN ('paper', 'oral', 'online', 'email', 'phone')),
      withdrawn_by uuid REFERENCES users (id) ON DELETE SET NULL,
      superseded_by uuid REFERENCES consents (id),
      recorded_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (channel <> 'oral' OR witness_user_id IS NOT NULL),
      CHECK (withdrawn_on IS NULL OR withdrawn_on >= given_on),
      CHECK (expires_on IS NULL OR expires_on > given_on)
    );
    CREATE INDEX consents_participant ON consents (participant_id);
    -- One live consent per person and purpose: a new one supersedes the old.
    CREATE UNIQUE INDEX consents_live_unique ON consents (participant_id, purpose_code)
      WHERE withdrawn_on IS NULL AND superseded_by IS NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE consents; DROP TABLE consent_purposes;');
}
