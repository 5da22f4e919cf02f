import type { Knex } from 'knex';

// Lines of a claim: what was asked (input, as the rules read it), what the rules computed
// (eligible amount, explanation, rule code, flags) and what was decided (granted amount,
// reason). Mileage lines freeze the kilometres of the person's earlier lines at decision.
// `seq` is the creation order that breaks ties between mileage lines of one travel day.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE claim_lines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigserial NOT NULL UNIQUE,
      claim_id uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
      position integer NOT NULL CHECK (position >= 0),
      kind text NOT NULL CHECK (kind IN ('public_transport', 'mileage', 'motorbike', 'moped', 'taxi', 'childcare', 'meal', 'night', 'allowance')),
      travel_date date NOT NULL,
      category text NOT NULL CHECK (category IN ('transport', 'mileage', 'childcare', 'meals', 'nights', 'allowances')),
      input jsonb NOT NULL,
      requested_cents integer NOT NULL CHECK (requested_cents >= 0),
      eligible_cents integer NOT NULL CHECK (eligible_cents >= 0),
      explanation text NOT NULL,
      rule text NOT NULL,
      flags text[] NOT NULL DEFAULT '{}',
      granted_cents integer CHECK (granted_cents >= 0 AND granted_cents <= eligible_cents),
      reason_code text CHECK (reason_code IN ('over_cap', 'no_receipt', 'not_attended', 'duplicate', 'not_eligible', 'other')),
      reason_note text CHECK (length(reason_note) <= 1000),
      prior_mileage_decikm integer CHECK (prior_mileage_decikm >= 0),
      receipt_id uuid REFERENCES claim_receipts (id) ON DELETE SET NULL,
      receipt_reuse_acknowledged boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX claim_lines_claim ON claim_lines (claim_id, position);
    CREATE INDEX claim_lines_receipt ON claim_lines (receipt_id) WHERE receipt_id IS NOT NULL;
    CREATE INDEX claim_lines_mileage ON claim_lines (travel_date, seq) WHERE kind = 'mileage';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE claim_lines');
}
