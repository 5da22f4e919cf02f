import type { Knex } from 'knex';

// Uploaded documents (consent evidence, later receipts), kept in PostgreSQL with their
// SHA-256 so that one document backing several records is recognised. The content is
// erased (set NULL) when retention says so; the row and hash stay for the accounts.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE files (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
      size_bytes integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 10485760),
      content bytea,
      original_name text,
      purpose text NOT NULL CHECK (purpose IN ('consent_evidence', 'receipt', 'invoice', 'other')),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      erased_at timestamptz,
      CHECK ((content IS NULL) = (erased_at IS NOT NULL))
    );
    CREATE INDEX files_sha256 ON files (sha256);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE files');
}
