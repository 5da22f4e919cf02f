import type { Knex } from 'knex';

// Reimbursement claims (demandes de remboursement). Amounts are integer cents; the decision
// note is free text on the business record (erasable), the audit log keeps only codes. An
// advance (is_advance) is settled by a second claim that points to it (advance_of_claim_id).
// `version` increases with every change, for optimistic checks by clients.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE claims (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference text NOT NULL UNIQUE DEFAULT next_reference('R'),
      participant_id uuid NOT NULL REFERENCES participants (id),
      payee_id uuid REFERENCES payees (id),
      project_id uuid NOT NULL REFERENCES projects (id),
      status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'submitted', 'approved', 'partially_approved', 'rejected', 'in_batch', 'paid', 'cancelled')),
      is_advance boolean NOT NULL DEFAULT false,
      advance_of_claim_id uuid REFERENCES claims (id),
      departure_at timestamptz NOT NULL,
      return_at timestamptz NOT NULL,
      submitted_at timestamptz,
      decided_at timestamptz,
      decided_by uuid REFERENCES users (id),
      entered_by uuid REFERENCES users (id),
      cancelled_at timestamptz,
      flags text[] NOT NULL DEFAULT '{}',
      late boolean NOT NULL DEFAULT false,
      amount_requested_cents integer NOT NULL DEFAULT 0 CHECK (amount_requested_cents >= 0),
      amount_eligible_cents integer NOT NULL DEFAULT 0 CHECK (amount_eligible_cents >= 0),
      amount_granted_cents integer CHECK (amount_granted_cents >= 0),
      amount_to_pay_cents integer CHECK (amount_to_pay_cents >= 0),
      to_recover_cents integer NOT NULL DEFAULT 0 CHECK (to_recover_cents >= 0),
      decision_reason_code text,
      decision_note text CHECK (length(decision_note) <= 2000),
      override_reason text CHECK (length(override_reason) <= 500),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (return_at > departure_at),
      CHECK (NOT (is_advance AND advance_of_claim_id IS NOT NULL)),
      CHECK ((status IN ('draft', 'submitted', 'cancelled')) OR decided_at IS NOT NULL),
      CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
    );
    CREATE INDEX claims_status_created ON claims (status, created_at, id);
    CREATE INDEX claims_created ON claims (created_at, id);
    CREATE INDEX claims_participant ON claims (participant_id, created_at);
    CREATE INDEX claims_project_status ON claims (project_id, status, created_at, id);
    CREATE INDEX claims_flags ON claims USING gin (flags);
    CREATE UNIQUE INDEX claims_one_settlement ON claims (advance_of_claim_id) WHERE advance_of_claim_id IS NOT NULL AND status <> 'cancelled';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE claims');
}
