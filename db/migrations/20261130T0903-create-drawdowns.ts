import type { Knex } from 'knex';

// Drawdown claims (demandes de versement, appels de fonds): numbered per grant; each records
// the expense parts it claims, and a part is claimed at most once (unique index), whatever
// the retries or concurrent requests.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE drawdowns (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      grant_id uuid NOT NULL REFERENCES grants (id),
      number integer NOT NULL CHECK (number >= 1),
      period_from date NOT NULL,
      period_to date NOT NULL,
      eligible_actual_cents bigint NOT NULL CHECK (eligible_actual_cents >= 0),
      cofunding_rate_bp integer NOT NULL CHECK (cofunding_rate_bp BETWEEN 1 AND 10000),
      requested_cents bigint NOT NULL CHECK (requested_cents >= 0),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (grant_id, number),
      CHECK (period_to >= period_from)
    );
    -- What each drawdown asks, per calendar year (so the annual ceilings can be checked).
    CREATE TABLE drawdown_years (
      drawdown_id uuid NOT NULL REFERENCES drawdowns (id) ON DELETE CASCADE,
      year integer NOT NULL,
      eligible_actual_cents bigint NOT NULL CHECK (eligible_actual_cents >= 0),
      requested_cents bigint NOT NULL CHECK (requested_cents >= 0),
      PRIMARY KEY (drawdown_id, year)
    );
    CREATE TABLE drawdown_parts (
      drawdown_id uuid NOT NULL REFERENCES drawdowns (id) ON DELETE CASCADE,
      expense_part_id uuid NOT NULL UNIQUE REFERENCES expense_parts (id),
      PRIMARY KEY (drawdown_id, expense_part_id)
    );

    -- The explanation of a gap between planned and actual, per grant, year and category
    -- (financial report laid out like CERFA 15059).
    CREATE TABLE grant_report_notes (
      grant_id uuid NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
      year integer NOT NULL,
      category text NOT NULL,
      explanation text NOT NULL CHECK (length(explanation) <= 2000),
      updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (grant_id, year, category)
    );

    -- Auditor access limited to some grants and a date range, until an expiry. An auditor
    -- with any scope row is limited to the unexpired ones; one with none reads everything.
    CREATE TABLE auditor_scopes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      grant_id uuid NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
      from_date date NOT NULL,
      to_date date NOT NULL,
      expires_at timestamptz NOT NULL,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (to_date >= from_date),
      UNIQUE (user_id, grant_id)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'DROP TABLE auditor_scopes; DROP TABLE grant_report_notes; DROP TABLE drawdown_parts; DROP TABLE drawdown_years; DROP TABLE drawdowns;',
  );
}
