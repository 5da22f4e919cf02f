import type { Knex } from 'knex';

// Receipts (justificatifs) attached to a claim: a stored file (purpose 'receipt') and the
// amount written on it. One file content (SHA-256) may back lines of several claims; the
// total granted against it never exceeds its amount (checked at decision).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE claim_receipts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      claim_id uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
      file_id uuid NOT NULL REFERENCES files (id),
      amount_cents integer NOT NULL CHECK (amount_cents >= 0),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX claim_receipts_claim ON claim_receipts (claim_id);
    CREATE INDEX claim_receipts_file ON claim_receipts (file_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE claim_receipts');
}
