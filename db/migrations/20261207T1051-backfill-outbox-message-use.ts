import type { Knex } from 'knex';

// Fills the use of the messages written before uses existed, from their template (the
// templates of that time, frozen here), then makes the use required: every message names it.
const USE_OF_TEMPLATE: Record<string, string> = {
  invitation: 'invitation',
  'session-cancelled': 'reminder',
  'claim-received': 'claim_receipt',
  'claim-decision': 'claim_decision',
  'payment-sent': 'payment_notice',
  'test-message': 'staff_notice',
};

export async function up(knex: Knex): Promise<void> {
  for (const [template, use] of Object.entries(USE_OF_TEMPLATE)) {
    await knex('outbox_messages').where({ template }).whereNull('use').update({ use });
  }
  const [{ n }] = (await knex.raw(`SELECT count(*)::int AS n FROM outbox_messages WHERE use IS NULL`)).rows;
  if (n > 0)
    throw new Error(
      `${n} outbox message(s) have a template with no known use: declare it in server/privacy/registry/uses.ts and here`,
    );
  await knex.raw('ALTER TABLE outbox_messages ALTER COLUMN use SET NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  // The values stay (the previous migration's down drops the column); only the requirement goes.
  await knex.raw('ALTER TABLE outbox_messages ALTER COLUMN use DROP NOT NULL');
}
