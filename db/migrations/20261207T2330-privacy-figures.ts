import type { Knex } from 'knex';

// The retention forecast (people whose active period ends in each of the next three months)
// reads every person due soon: it grows with the people on file (issue 16). It is computed in
// the background (the dashboard-figures job, when older than 30 minutes or of another month)
// and the DPO pages show it with the time it was computed. Counts only: no personal data.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE privacy_figures (
      name text PRIMARY KEY CHECK (name IN ('retention_upcoming')),
      computed_at timestamptz NOT NULL,
      figures jsonb NOT NULL
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE privacy_figures;');
}
