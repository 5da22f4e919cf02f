import type { Knex } from 'knex';

// A part claimed by a drawdown whose expense is no longer actual (the bank rejected the
// payment, the claim was cancelled, an advance was settled) is withdrawn by the next drawdown:
// that drawdown records it in `withdrawn_by` and deducts it. The claim row stays as history;
// a part has at most one live claim (withdrawn_by IS NULL), so once withdrawn and paid again
// it can be claimed again. A drawdown's figures are the change it makes and may be negative.
// Existing claims keep the payment day their expense has now (null if it lost it).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE drawdown_parts ADD COLUMN withdrawn_by uuid REFERENCES drawdowns (id);
    ALTER TABLE drawdown_parts ADD CONSTRAINT drawdown_parts_withdrawn_later CHECK (withdrawn_by <> drawdown_id);
    -- The payment day the drawdown saw (the expense loses it when the payment is rejected).
    ALTER TABLE drawdown_parts ADD COLUMN paid_on date;
    UPDATE drawdown_parts dp SET paid_on = e.paid_on FROM expense_parts ep JOIN expenses e ON e.id = ep.expense_id WHERE ep.id = dp.expense_part_id;
    ALTER TABLE drawdown_parts DROP CONSTRAINT drawdown_parts_expense_part_id_key;
    CREATE UNIQUE INDEX drawdown_parts_one_live_claim ON drawdown_parts (expense_part_id) WHERE withdrawn_by IS NULL;
    CREATE INDEX drawdown_parts_withdrawn_by ON drawdown_parts (withdrawn_by) WHERE withdrawn_by IS NOT NULL;
    ALTER TABLE drawdowns DROP CONSTRAINT drawdowns_eligible_actual_cents_check, DROP CONSTRAINT drawdowns_requested_cents_check;
    ALTER TABLE drawdown_years DROP CONSTRAINT drawdown_years_eligible_actual_cents_check, DROP CONSTRAINT drawdown_years_requested_cents_check;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DELETE FROM drawdown_parts WHERE withdrawn_by IS NOT NULL;
    DROP INDEX drawdown_parts_one_live_claim;
    ALTER TABLE drawdown_parts DROP COLUMN withdrawn_by, DROP COLUMN paid_on;
    ALTER TABLE drawdown_parts ADD CONSTRAINT drawdown_parts_expense_part_id_key UNIQUE (expense_part_id);
    ALTER TABLE drawdowns ADD CONSTRAINT drawdowns_eligible_actual_cents_check CHECK (eligible_actual_cents >= 0), ADD CONSTRAINT drawdowns_requested_cents_check CHECK (requested_cents >= 0);
    ALTER TABLE drawdown_years ADD CONSTRAINT drawdown_years_eligible_actual_cents_check CHECK (eligible_actual_cents >= 0), ADD CONSTRAINT drawdown_years_requested_cents_check CHECK (requested_cents >= 0);
  `);
}
