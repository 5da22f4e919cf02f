import type { Knex } from 'knex';

// The sessions a claim is for (one or more); attendance at each opens the right to claim.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE claim_sessions (
      claim_id uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
      session_id uuid NOT NULL REFERENCES sessions (id),
      PRIMARY KEY (claim_id, session_id)
    );
    CREATE INDEX claim_sessions_session ON claim_sessions (session_id, claim_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE claim_sessions');
}
