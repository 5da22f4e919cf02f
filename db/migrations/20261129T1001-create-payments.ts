import type { Knex } from 'knex';

// One payment per payee in a batch, summing its claims. The payee's name, encrypted IBAN
// (with its key id) and BIC are copied when the batch is exported, so the files stay what
// was sent even if the payee changes later. The end-to-end id is derived from the batch and
// claim references (deterministic: exporting again gives the same files).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      batch_id uuid NOT NULL REFERENCES payment_batches (id),
      position integer NOT NULL CHECK (position >= 1),
      participant_id uuid NOT NULL REFERENCES participants (id),
      payee_id uuid REFERENCES payees (id),
      payee_name_snapshot text,
      iban_ciphertext_snapshot text,
      iban_key_id_snapshot text,
      bic_snapshot text,
      amount_cents bigint NOT NULL CHECK (amount_cents > 0),
      end_to_end_id text NOT NULL CHECK (length(end_to_end_id) <= 35),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'rejected')),
      rejected_reason_code text,
      rejected_at timestamptz,
      paid_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (batch_id, position),
      UNIQUE (batch_id, end_to_end_id),
      CHECK ((iban_ciphertext_snapshot IS NULL) = (iban_key_id_snapshot IS NULL)),
      CHECK ((status = 'rejected') = (rejected_reason_code IS NOT NULL))
    );
    CREATE INDEX payments_participant ON payments (participant_id, paid_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE payments');
}
