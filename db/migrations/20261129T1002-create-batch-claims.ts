import type { Knex } from 'knex';

// Which claims a batch pays, through which payment. A claim is in one non-voided batch only:
// the partial unique index enforces it whatever the code does (retries, two servers). A
// cancelled or voided batch, or a payment rejected by the bank, voids its rows so that the
// claims can go into a new batch.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE batch_claims (
      batch_id uuid NOT NULL REFERENCES payment_batches (id),
      claim_id uuid NOT NULL REFERENCES claims (id),
      payment_id uuid NOT NULL REFERENCES payments (id),
      amount_cents bigint NOT NULL CHECK (amount_cents > 0),
      voided boolean NOT NULL DEFAULT false,
      voided_at timestamptz,
      PRIMARY KEY (batch_id, claim_id),
      CHECK (voided = (voided_at IS NOT NULL))
    );
    CREATE UNIQUE INDEX batch_claims_one_live_batch ON batch_claims (claim_id) WHERE NOT voided;
    CREATE INDEX batch_claims_payment ON batch_claims (payment_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE batch_claims');
}
