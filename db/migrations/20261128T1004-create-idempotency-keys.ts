import type { Knex } from 'knex';

// Idempotency keys of money-creating POSTs (docs/domain.md#idempotency-keys): per user and route, the hash of the
// request body and the first response, replayed for 24 hours to a retry with the same key.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE idempotency_keys (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      route text NOT NULL,
      key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
      request_hash text NOT NULL,
      response_status integer NOT NULL,
      response_body jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, route, key)
    );
    CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE idempotency_keys');
}
