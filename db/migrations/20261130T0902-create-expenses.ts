import type { Knex } from 'knex';

// Expenses (dépenses): every euro a project costs, from three sources — a decided claim line
// (committed at decision, actual at payment), a confirmed venue booking (committed at
// confirmation, actual when its invoice is entered) or an invoice entered by hand (catering,
// facilitation, printing…). `incurred_on` is the day of the service (travel date, session
// day, invoice date) and picks the budget line's year; `paid_on` is the payment date, by
// which actual spend is reported. The description is free text (neutralised in exports).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE expenses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference text NOT NULL UNIQUE DEFAULT next_reference('DEP'),
      project_id uuid NOT NULL REFERENCES projects (id),
      category text NOT NULL CHECK (category IN ('transport', 'mileage', 'childcare', 'meals', 'nights', 'allowances', 'venue', 'catering', 'facilitation', 'interpreting', 'printing', 'other')),
      source text NOT NULL CHECK (source IN ('claim_line', 'booking', 'invoice')),
      claim_line_id uuid UNIQUE REFERENCES claim_lines (id),
      claim_id uuid REFERENCES claims (id),
      participant_id uuid REFERENCES participants (id),
      booking_id uuid UNIQUE REFERENCES bookings (id),
      session_id uuid REFERENCES sessions (id),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
      supplier text NOT NULL DEFAULT '' CHECK (length(supplier) <= 200),
      invoice_number text NOT NULL DEFAULT '' CHECK (length(invoice_number) <= 100),
      invoice_file_id uuid REFERENCES files (id),
      amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
      incurred_on date NOT NULL,
      status text NOT NULL DEFAULT 'committed' CHECK (status IN ('committed', 'actual', 'cancelled')),
      committed_at timestamptz NOT NULL DEFAULT now(),
      paid_on date,
      cancelled_at timestamptz,
      override_reason text CHECK (length(override_reason) <= 500),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((source = 'claim_line') = (claim_line_id IS NOT NULL)),
      CHECK ((source = 'claim_line') = (claim_id IS NOT NULL)),
      CHECK ((source = 'booking') = (booking_id IS NOT NULL)),
      CHECK ((status = 'actual') = (paid_on IS NOT NULL)),
      CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
    );
    CREATE INDEX expenses_project ON expenses (project_id, incurred_on, id);
    CREATE INDEX expenses_claim ON expenses (claim_id) WHERE claim_id IS NOT NULL;
    CREATE INDEX expenses_paid ON expenses (paid_on, id) WHERE status = 'actual';
    CREATE INDEX expenses_created ON expenses (created_at, id);

    -- The split of an expense across the grants funding its project, by their shares, with
    -- largest-remainder rounding: the parts of an expense always sum to its amount. A part
    -- with no grant is the organisation's own budget (or a grant share that had no budget
    -- line for the category and year).
    CREATE TABLE expense_parts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      expense_id uuid NOT NULL REFERENCES expenses (id) ON DELETE CASCADE,
      grant_id uuid REFERENCES grants (id),
      budget_line_id uuid REFERENCES budget_lines (id),
      amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
      CHECK ((grant_id IS NULL) = (budget_line_id IS NULL))
    );
    CREATE INDEX expense_parts_expense ON expense_parts (expense_id);
    CREATE INDEX expense_parts_line ON expense_parts (budget_line_id) WHERE budget_line_id IS NOT NULL;
    CREATE INDEX expense_parts_grant ON expense_parts (grant_id) WHERE grant_id IS NOT NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE expense_parts; DROP TABLE expenses;');
}
