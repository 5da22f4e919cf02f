import type { Knex } from 'knex';

// Budget lines (lignes budgétaires): the eligible cost a grant plans for one cost category in
// one calendar year. Expense parts are placed on them; a part that would push a line past its
// amount needs a finance override (409 budget_exceeded_requires_override), decided under the
// line's row lock so that two racing decisions never both take the last euros.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE budget_lines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      grant_id uuid NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
      category text NOT NULL CHECK (category IN ('transport', 'mileage', 'childcare', 'meals', 'nights', 'allowances', 'venue', 'catering', 'facilitation', 'interpreting', 'printing', 'other')),
      year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
      amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (grant_id, category, year)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE budget_lines');
}
