import type { Knex } from 'knex';

// Long work (retention runs, imports, big exports) answered 202 with a job whose progress
// can be polled. Results hold counts and ids, never personal data.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE jobs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
      progress integer NOT NULL DEFAULT 0 CHECK (progress >= 0),
      total integer CHECK (total >= 0),
      params jsonb NOT NULL DEFAULT '{}'::jsonb,
      result jsonb,
      error_code text,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      heartbeat_at timestamptz
    );
    CREATE INDEX jobs_kind_created ON jobs (kind, created_at DESC);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE jobs');
}
