import type { Knex } from 'knex';

// Indexes for the orders the pages show one page of (issue 16: a page must not sort or scan the
// whole table): the batch builder (payable claims, oldest decision first), the advances to
// settle (few claims among a million), the expense list's sorts (day of service, the default,
// and amount), the claims queue's other sorts (reference, amount), and the audit log and
// outbox lists (newest first, by action or status). Plain CREATE INDEX: it blocks writes on
// the table while it builds, a few seconds per million rows; a body with years of history may
// prefer to create them CONCURRENTLY by hand before upgrading (same names: IF NOT EXISTS keeps
// them).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE INDEX IF NOT EXISTS claims_payable ON claims (decided_at, id)
      WHERE status IN ('approved', 'partially_approved') AND amount_to_pay_cents > 0;
    CREATE INDEX IF NOT EXISTS claims_advances ON claims (created_at, id) WHERE is_advance;
    CREATE INDEX IF NOT EXISTS expenses_incurred ON expenses (incurred_on, id);
    CREATE INDEX IF NOT EXISTS expenses_amount ON expenses (amount_cents, id);
    CREATE INDEX IF NOT EXISTS claims_reference_id ON claims (reference, id);
    CREATE INDEX IF NOT EXISTS claims_amount ON claims (amount_requested_cents, id);
    CREATE INDEX IF NOT EXISTS audit_events_occurred_id ON audit_events (occurred_at, id);
    CREATE INDEX IF NOT EXISTS audit_events_action_occurred ON audit_events (action, occurred_at, id);
    CREATE INDEX IF NOT EXISTS outbox_created ON outbox_messages (created_at, id);
    CREATE INDEX IF NOT EXISTS outbox_status_created_id ON outbox_messages (status, created_at, id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX IF EXISTS claims_payable;
    DROP INDEX IF EXISTS claims_advances;
    DROP INDEX IF EXISTS expenses_incurred;
    DROP INDEX IF EXISTS expenses_amount;
    DROP INDEX IF EXISTS claims_reference_id;
    DROP INDEX IF EXISTS claims_amount;
    DROP INDEX IF EXISTS audit_events_occurred_id;
    DROP INDEX IF EXISTS audit_events_action_occurred;
    DROP INDEX IF EXISTS outbox_created;
    DROP INDEX IF EXISTS outbox_status_created_id;
  `);
}
