import type { Knex } from 'knex';

// Paying the organisation's own account (its debtor IBAN) is almost always a typing mistake:
// a payee with that IBAN, and a batch paying one, need an override with a reason (docs/domain.md#overrides).
// The reason is kept on the business record; the audit event carries the code only.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE payees ADD COLUMN own_iban_override_reason text CHECK (length(own_iban_override_reason) <= 500);
    ALTER TABLE payment_batches ADD COLUMN own_iban_override_reason text CHECK (length(own_iban_override_reason) <= 500);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE payment_batches DROP COLUMN own_iban_override_reason;
    ALTER TABLE payees DROP COLUMN own_iban_override_reason;
  `);
}
