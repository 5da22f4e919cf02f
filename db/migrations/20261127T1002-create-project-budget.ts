import type { Knex } from 'knex';

// The planned budget of a project, one line per cost category (the list shared with claim
// lines, expenses and accounting codes: server/settings/schemas.ts COST_CATEGORIES).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE project_budget (
      project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
      category text NOT NULL CHECK (category IN ('transport', 'mileage', 'childcare', 'meals', 'nights', 'allowances', 'venue', 'catering', 'facilitation', 'interpreting', 'printing', 'other')),
      planned_cents bigint NOT NULL CHECK (planned_cents >= 0),
      PRIMARY KEY (project_id, category)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE project_budget');
}
