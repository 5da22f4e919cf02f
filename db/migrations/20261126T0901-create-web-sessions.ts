import type { Knex } from 'knex';

// Sessions live in PostgreSQL so that several instances share them. Only a hash of the
// session id is stored: a copy of the table does not let anyone sign in.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE web_sessions (
      id_hash text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      flash jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX web_sessions_user ON web_sessions (user_id);
    CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE web_sessions');
}
