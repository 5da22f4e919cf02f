import type { Knex } from 'knex';

// Figures of a whole project or grant that no rollup can keep (issue 16): how many distinct
// people attended, the panel's composition from consented profiles, the time to money of every
// claim. Counting them reads every attendance and claim of a project (42,000 and 40,000 rows
// for the biggest at scale 1: over a second). They are computed in the background (a job
// refreshes those older than 30 minutes) or when staff ask ("Recalculer"), and the dashboards
// show them with the time they were computed. Aggregates only (groups under 5 are hidden when
// shown): no personal data.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE project_figures (
      project_id uuid PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
      computed_at timestamptz NOT NULL,
      figures jsonb NOT NULL
    );
    CREATE INDEX project_figures_age ON project_figures (computed_at);
    CREATE TABLE grant_figures (
      grant_id uuid PRIMARY KEY REFERENCES grants (id) ON DELETE CASCADE,
      computed_at timestamptz NOT NULL,
      figures jsonb NOT NULL
    );
    CREATE INDEX grant_figures_age ON grant_figures (computed_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE grant_figures; DROP TABLE project_figures;');
}
