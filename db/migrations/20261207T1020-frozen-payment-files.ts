import type { Knex } from 'knex';

// The SEPA file of an exported batch is built once, at export, and stored: every download
// returns those bytes, whatever the payees or the settings say later. It carries names and
// IBANs, so it is stored encrypted (AES-256-GCM, `key_id` names the keyring key) in `files`
// with its own purpose, and erased with the accounting data when its people are anonymised
// (the SHA-256 stays). Batches exported before this migration get theirs at the next download.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE files ADD COLUMN key_id text;
    ALTER TABLE files DROP CONSTRAINT files_purpose_check;
    ALTER TABLE files ADD CONSTRAINT files_purpose_check CHECK (purpose IN ('consent_evidence', 'receipt', 'invoice', 'payment_file'));
    ALTER TABLE files DROP CONSTRAINT files_media_type_check;
    ALTER TABLE files ADD CONSTRAINT files_media_type_check CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png', 'application/xml'));
    ALTER TABLE files ADD CONSTRAINT files_payment_file_encrypted CHECK (purpose <> 'payment_file' OR key_id IS NOT NULL);
    ALTER TABLE payment_batches ADD COLUMN sepa_file_id uuid UNIQUE REFERENCES files (id);
  `);
}

// Rolling back forgets the frozen files (the previous schema cannot hold them): downloads
// rebuild the SEPA file from the payment snapshots again, as they did before.
export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE payment_batches DROP COLUMN sepa_file_id;
    DELETE FROM files WHERE purpose = 'payment_file';
    ALTER TABLE files DROP CONSTRAINT files_payment_file_encrypted;
    ALTER TABLE files DROP CONSTRAINT files_media_type_check;
    ALTER TABLE files ADD CONSTRAINT files_media_type_check CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png'));
    ALTER TABLE files DROP CONSTRAINT files_purpose_check;
    ALTER TABLE files ADD CONSTRAINT files_purpose_check CHECK (purpose IN ('consent_evidence', 'receipt', 'invoice'));
    ALTER TABLE files DROP COLUMN key_id;
  `);
}
