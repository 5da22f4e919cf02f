import type { Knex } from 'knex';

// Versioned reimbursement policies (docs/domain.md#versioned-policies): the organisation's versions (project_id
// null) hold every rate; a project's versions override some of them. A change is a new row
// from a date, never an update, so that what a line was computed with can always be read
// again. The rates' shape is checked by the JSON Schema `Rates` (server/reimbursement/schemas.ts) before insertion.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE reimbursement_policies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      project_id uuid REFERENCES projects (id),
      effective_from date NOT NULL,
      rates jsonb NOT NULL CHECK (jsonb_typeof(rates) = 'object'),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX reimbursement_policies_version
      ON reimbursement_policies ((coalesce(project_id, '00000000-0000-0000-0000-000000000000'::uuid)), effective_from);
    CREATE FUNCTION reimbursement_policies_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'reimbursement policy versions are never updated: add a version' USING ERRCODE = '42501';
    END;
    $$;
    CREATE TRIGGER reimbursement_policies_append_only BEFORE UPDATE ON reimbursement_policies
      FOR EACH ROW EXECUTE FUNCTION reimbursement_policies_refuse_update();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE reimbursement_policies;
    DROP FUNCTION reimbursement_policies_refuse_update();
  `);
}
