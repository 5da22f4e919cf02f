import type { Knex } from 'knex';

// Spreadsheet imports: the parsed rows wait here between the preview and the confirmation
// (nothing is written to the business tables before), and are erased (rows = NULL) when the
// import is confirmed, cancelled or expires. The report holds row numbers, fields and
// messages, never the values.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE imports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('participants', 'venues')),
      status text NOT NULL DEFAULT 'previewed' CHECK (status IN ('previewed', 'confirmed', 'cancelled', 'expired')),
      mapping jsonb NOT NULL DEFAULT '{}'::jsonb,
      rows jsonb,
      report jsonb NOT NULL DEFAULT '[]'::jsonb,
      valid_count integer NOT NULL DEFAULT 0,
      error_count integer NOT NULL DEFAULT 0,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      confirmed_at timestamptz,
      CHECK (status = 'previewed' OR rows IS NULL)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE imports');
}
