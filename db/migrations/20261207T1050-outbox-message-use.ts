import type { Knex } from 'knex';

// Each message records its use (invitation, claim_decision… declared in the privacy registry),
// which says whether it needs the person's `contact` consent. A consent-based message to
// someone without that consent is not queued: it is kept as `withheld`, with no body, so that
// the person's page says "non contacté·e : pas de consentement" instead of skipping them. The
// column stays nullable here; the next migration fills it and makes it required.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE outbox_messages ADD COLUMN use text;
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_status_check;
    ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_status_check
      CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'printed', 'withheld'));
    ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_withheld_empty
      CHECK (status <> 'withheld' OR (body_text IS NULL AND body_html IS NULL AND recipient_email IS NULL));
  `);
}

export async function down(knex: Knex): Promise<void> {
  const [{ n }] = (await knex.raw(`SELECT count(*)::int AS n FROM outbox_messages WHERE status = 'withheld'`)).rows;
  if (n > 0)
    throw new Error(
      `${n} withheld message(s) (not contacted: no consent) have no status before this migration: delete them first if you really roll back`,
    );
  await knex.raw(`
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_withheld_empty;
    ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_status_check;
    ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_status_check
      CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'printed'));
    ALTER TABLE outbox_messages DROP COLUMN use;
  `);
}
