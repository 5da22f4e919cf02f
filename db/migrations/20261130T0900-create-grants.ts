import type { Knex } from 'knex';

// Grants (subventions, financements): a funder's agreement over a multi-year period, with a
// co-funding rate in basis points (5000 = 50 %: the funder pays that share of the eligible
// actual spend), annual ceilings on what may be drawn down, and the cost categories it
// accepts. `version` increases with every change, for optimistic checks by clients.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE grants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      reference text NOT NULL UNIQUE DEFAULT next_reference('F'),
      funder text NOT NULL CHECK (length(funder) BETWEEN 1 AND 200),
      programme text NOT NULL DEFAULT '' CHECK (length(programme) <= 200),
      axis text NOT NULL DEFAULT '' CHECK (length(axis) <= 200),
      agreement_number text NOT NULL DEFAULT '' CHECK (length(agreement_number) <= 100),
      period_start date NOT NULL,
      period_end date NOT NULL,
      total_cents bigint NOT NULL CHECK (total_cents >= 0),
      cofunding_rate_bp integer NOT NULL CHECK (cofunding_rate_bp BETWEEN 1 AND 10000),
      eligible_categories text[] NOT NULL CHECK (cardinality(eligible_categories) >= 1 AND eligible_categories <@ ARRAY['transport', 'mileage', 'childcare', 'meals', 'nights', 'allowances', 'venue', 'catering', 'facilitation', 'interpreting', 'printing', 'other']),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (period_end >= period_start)
    );
    CREATE INDEX grants_funder ON grants (lower(funder), id);
    CREATE INDEX grants_period ON grants (period_start, id);

    -- Annual ceilings: the most the funder pays for one calendar year (drawdowns stay within).
    CREATE TABLE grant_ceilings (
      grant_id uuid NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
      year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
      ceiling_cents bigint NOT NULL CHECK (ceiling_cents >= 0),
      PRIMARY KEY (grant_id, year)
    );

    -- The projects a grant funds and the share of each project's expenses it takes, in basis
    -- points. The shares of one project sum to at most 10000; the rest is the organisation's
    -- own budget. Checked in code under the project's row lock.
    CREATE TABLE grant_projects (
      grant_id uuid NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
      project_id uuid NOT NULL REFERENCES projects (id),
      share_bp integer NOT NULL CHECK (share_bp BETWEEN 1 AND 10000),
      PRIMARY KEY (grant_id, project_id)
    );
    CREATE INDEX grant_projects_project ON grant_projects (project_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE grant_projects; DROP TABLE grant_ceilings; DROP TABLE grants;');
}
