import type { Knex } from 'knex';

// Who receives the money of a claim: the participant by default, or a legal representative,
// a childcare provider, a partner that advanced the costs. The IBAN is stored encrypted
// (AES-256-GCM, with the key id), masked for display, and as a keyed hash (HMAC) to spot one
// IBAN shared by unrelated payees without decrypting anything.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE payees (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      participant_id uuid NOT NULL REFERENCES participants (id),
      kind text NOT NULL CHECK (kind IN ('participant', 'legal_representative', 'childcare_provider', 'partner')),
      name text,
      partner_id uuid REFERENCES partners (id),
      iban_ciphertext text,
      iban_key_id text,
      iban_hash text,
      iban_masked text,
      bic text,
      active boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((iban_ciphertext IS NULL) = (iban_key_id IS NULL)),
      CHECK ((iban_ciphertext IS NULL) = (iban_hash IS NULL)),
      CHECK (kind <> 'partner' OR partner_id IS NOT NULL)
    );
    CREATE INDEX payees_participant ON payees (participant_id);
    CREATE INDEX payees_iban_hash ON payees (iban_hash) WHERE iban_hash IS NOT NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE payees');
}
