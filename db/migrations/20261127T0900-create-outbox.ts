import type { Knex } from 'knex';

// Messages to send (e-mails) or print (letters), written in the same transaction as the
// change that causes them. A worker claims due e-mails with a short lease (FOR UPDATE SKIP
// LOCKED, so several instances never take the same one) and sends them with a stable
// Message-ID: a delivery repeated after a crash is recognisable by the receiver.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE outbox_messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      message_id text NOT NULL UNIQUE,
      channel text NOT NULL CHECK (channel IN ('email', 'letter')),
      template text NOT NULL,
      participant_id uuid REFERENCES participants (id),
      recipient_email text,
      recipient_name text,
      subject text NOT NULL,
      body_text text,
      body_html text,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'printed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_until timestamptz,
      last_error_code text,
      related_type text,
      related_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz
    );
    CREATE INDEX outbox_due ON outbox_messages (next_attempt_at) WHERE status IN ('pending', 'sending');
    CREATE INDEX outbox_status_created ON outbox_messages (status, created_at);
    CREATE INDEX outbox_participant ON outbox_messages (participant_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE outbox_messages');
}
