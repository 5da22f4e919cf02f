import type { Knex } from 'knex';

// Every hand on a claim (entered it, edited the draft, added a receipt, submitted it, settled
// the advance into it, cancelled it), with the user: separation of duties refuses the decision
// to anyone who appears here, not only to whoever entered the claim (claims.entered_by).
// `backfilled` marks the rows inferred from older records by the next migration.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE claim_hands (
      id bigserial PRIMARY KEY,
      claim_id uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id),
      action text NOT NULL CHECK (action IN ('created', 'edited', 'receipt_added', 'submitted', 'advance_settled', 'cancelled')),
      occurred_at timestamptz NOT NULL DEFAULT now(),
      backfilled boolean NOT NULL DEFAULT false
    );
    CREATE INDEX claim_hands_claim_user ON claim_hands (claim_id, user_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE claim_hands');
}
