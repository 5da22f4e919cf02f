import type { Knex } from 'knex';

// Rollups of expenses (issue 16): the grant page, its budget lines, the grant and project
// dashboards and the expense list's totals summed every part of a grant (224,000 at scale 1)
// on each view. They now sum these tables, one row per combination of what they filter on
// (grant, budget line, project, category, source, status, day of service, day of payment):
// ~5,000 rows at scale 0.1 for 540,000 parts.
//
// Kept by triggers, so every path that writes expenses or parts — use cases, imports, the
// generator, a hand-written fix — keeps them exact in the same transaction. The triggers only
// ever INSERT delta rows (+ for the new state, − for the old one): two decisions on the same
// project never wait for each other on a shared total row. `compact_expense_rollups()` (a job
// of the service, every minute) merges the deltas of each combination into one row.
//
// An expense deleted with its parts (ON DELETE CASCADE; the service never deletes one) takes
// its parts out in a BEFORE DELETE row trigger, while they still exist: the cascade then finds
// no expense to join and adds nothing.
const KEY = 'grant_id, budget_line_id, project_id, category, source, status, incurred_on, paid_on';
const EKEY = 'project_id, category, source, status, incurred_on, paid_on';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    -- One part per grant and expense (the split gives each grant one share): on a grant or a
    -- budget line, counting parts counts expenses.
    CREATE UNIQUE INDEX expense_parts_one_per_grant ON expense_parts (expense_id, grant_id) WHERE grant_id IS NOT NULL;
    CREATE TABLE grant_part_rollup (
      id bigserial PRIMARY KEY,
      grant_id uuid NOT NULL,
      budget_line_id uuid NOT NULL,
      project_id uuid NOT NULL,
      category text NOT NULL,
      source text NOT NULL,
      status text NOT NULL,
      incurred_on date NOT NULL,
      paid_on date,
      part_count bigint NOT NULL,
      amount_cents bigint NOT NULL,
      compacted boolean NOT NULL DEFAULT false
    );
    CREATE INDEX grant_part_rollup_grant ON grant_part_rollup (grant_id, budget_line_id);
    CREATE INDEX grant_part_rollup_fresh ON grant_part_rollup (id) WHERE NOT compacted;

    CREATE TABLE expense_rollup (
      id bigserial PRIMARY KEY,
      project_id uuid NOT NULL,
      category text NOT NULL,
      source text NOT NULL,
      status text NOT NULL,
      incurred_on date NOT NULL,
      paid_on date,
      expense_count bigint NOT NULL,
      amount_cents bigint NOT NULL,
      compacted boolean NOT NULL DEFAULT false
    );
    CREATE INDEX expense_rollup_project ON expense_rollup (project_id);
    CREATE INDEX expense_rollup_fresh ON expense_rollup (id) WHERE NOT compacted;

    -- Parts in or out: their expense's current state is the key.
    CREATE FUNCTION expense_parts_rollup() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO grant_part_rollup (${KEY}, part_count, amount_cents)
        SELECT o.grant_id, o.budget_line_id, e.project_id, e.category, e.source, e.status, e.incurred_on, e.paid_on,
               -count(*), -sum(o.amount_cents)
          FROM old_parts o JOIN expenses e ON e.id = o.expense_id
         WHERE o.grant_id IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO grant_part_rollup (${KEY}, part_count, amount_cents)
        SELECT n.grant_id, n.budget_line_id, e.project_id, e.category, e.source, e.status, e.incurred_on, e.paid_on,
               count(*), sum(n.amount_cents)
          FROM new_parts n JOIN expenses e ON e.id = n.expense_id
         WHERE n.grant_id IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
      END IF;
      RETURN NULL;
    END $fn$;
    CREATE TRIGGER expense_parts_rollup_insert AFTER INSERT ON expense_parts
      REFERENCING NEW TABLE AS new_parts FOR EACH STATEMENT EXECUTE FUNCTION expense_parts_rollup();
    CREATE TRIGGER expense_parts_rollup_update AFTER UPDATE ON expense_parts
      REFERENCING OLD TABLE AS old_parts NEW TABLE AS new_parts FOR EACH STATEMENT EXECUTE FUNCTION expense_parts_rollup();
    CREATE TRIGGER expense_parts_rollup_delete AFTER DELETE ON expense_parts
      REFERENCING OLD TABLE AS old_parts FOR EACH STATEMENT EXECUTE FUNCTION expense_parts_rollup();

    -- Expenses in, out or changed: their own totals, and their parts moved to the new key.
    CREATE FUNCTION expenses_rollup() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO expense_rollup (${EKEY}, expense_count, amount_cents)
        SELECT ${EKEY}, -count(*), -sum(amount_cents) FROM old_expenses GROUP BY 1, 2, 3, 4, 5, 6;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO expense_rollup (${EKEY}, expense_count, amount_cents)
        SELECT ${EKEY}, count(*), sum(amount_cents) FROM new_expenses GROUP BY 1, 2, 3, 4, 5, 6;
      END IF;
      IF TG_OP = 'UPDATE' THEN
        INSERT INTO grant_part_rollup (${KEY}, part_count, amount_cents)
        SELECT p.grant_id, p.budget_line_id, x.project_id, x.category, x.source, x.status, x.incurred_on, x.paid_on,
               sum(x.sign), sum(x.sign * p.amount_cents)
          FROM (
            SELECT o.id, -1 AS sign, o.project_id, o.category, o.source, o.status, o.incurred_on, o.paid_on
              FROM old_expenses o JOIN new_expenses n ON n.id = o.id
             WHERE (o.project_id, o.category, o.source, o.status, o.incurred_on, o.paid_on)
                   IS DISTINCT FROM (n.project_id, n.category, n.source, n.status, n.incurred_on, n.paid_on)
            UNION ALL
            SELECT n.id, 1, n.project_id, n.category, n.source, n.status, n.incurred_on, n.paid_on
              FROM old_expenses o JOIN new_expenses n ON n.id = o.id
             WHERE (o.project_id, o.category, o.source, o.status, o.incurred_on, o.paid_on)
                   IS DISTINCT FROM (n.project_id, n.category, n.source, n.status, n.incurred_on, n.paid_on)
          ) x
          JOIN expense_parts p ON p.expense_id = x.id AND p.grant_id IS NOT NULL
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
      END IF;
      RETURN NULL;
    END $fn$;
    CREATE TRIGGER expenses_rollup_insert AFTER INSERT ON expenses
      REFERENCING NEW TABLE AS new_expenses FOR EACH STATEMENT EXECUTE FUNCTION expenses_rollup();
    CREATE TRIGGER expenses_rollup_update AFTER UPDATE ON expenses
      REFERENCING OLD TABLE AS old_expenses NEW TABLE AS new_expenses FOR EACH STATEMENT EXECUTE FUNCTION expenses_rollup();
    CREATE TRIGGER expenses_rollup_delete AFTER DELETE ON expenses
      REFERENCING OLD TABLE AS old_expenses FOR EACH STATEMENT EXECUTE FUNCTION expenses_rollup();

    CREATE FUNCTION expense_delete_parts_rollup() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO grant_part_rollup (${KEY}, part_count, amount_cents)
      SELECT p.grant_id, p.budget_line_id, OLD.project_id, OLD.category, OLD.source, OLD.status, OLD.incurred_on, OLD.paid_on,
             -count(*), -sum(p.amount_cents)
        FROM expense_parts p WHERE p.expense_id = OLD.id AND p.grant_id IS NOT NULL
       GROUP BY 1, 2;
      RETURN OLD;
    END $fn$;
    CREATE TRIGGER expenses_delete_parts_rollup BEFORE DELETE ON expenses
      FOR EACH ROW EXECUTE FUNCTION expense_delete_parts_rollup();

    -- Merges the deltas written since the last run into one row per combination (zero rows
    -- dropped). Safe to run concurrently with writes and with itself: it deletes only the rows
    -- its snapshot sees, and re-inserts their sum.
    CREATE FUNCTION compact_expense_rollups() RETURNS void LANGUAGE sql AS $fn$
      WITH fresh AS (
        SELECT DISTINCT ${KEY} FROM grant_part_rollup WHERE NOT compacted
      ), gone AS (
        DELETE FROM grant_part_rollup r USING fresh f
         WHERE r.grant_id = f.grant_id AND r.budget_line_id = f.budget_line_id AND r.project_id = f.project_id
           AND r.category = f.category AND r.source = f.source AND r.status = f.status
           AND r.incurred_on = f.incurred_on AND coalesce(r.paid_on, 'infinity') = coalesce(f.paid_on, 'infinity')
        RETURNING r.*
      )
      INSERT INTO grant_part_rollup (${KEY}, part_count, amount_cents, compacted)
      SELECT ${KEY}, sum(part_count), sum(amount_cents), true FROM gone
       GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING sum(part_count) <> 0 OR sum(amount_cents) <> 0;
      WITH fresh AS (
        SELECT DISTINCT ${EKEY} FROM expense_rollup WHERE NOT compacted
      ), gone AS (
        DELETE FROM expense_rollup r USING fresh f
         WHERE r.project_id = f.project_id AND r.category = f.category AND r.source = f.source
           AND r.status = f.status AND r.incurred_on = f.incurred_on
           AND coalesce(r.paid_on, 'infinity') = coalesce(f.paid_on, 'infinity')
        RETURNING r.*
      )
      INSERT INTO expense_rollup (${EKEY}, expense_count, amount_cents, compacted)
      SELECT ${EKEY}, sum(expense_count), sum(amount_cents), true FROM gone
       GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(expense_count) <> 0 OR sum(amount_cents) <> 0;
    $fn$;

    INSERT INTO grant_part_rollup (${KEY}, part_count, amount_cents, compacted)
    SELECT p.grant_id, p.budget_line_id, e.project_id, e.category, e.source, e.status, e.incurred_on, e.paid_on,
           count(*), sum(p.amount_cents), true
      FROM expense_parts p JOIN expenses e ON e.id = p.expense_id
     WHERE p.grant_id IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
    INSERT INTO expense_rollup (${EKEY}, expense_count, amount_cents, compacted)
    SELECT ${EKEY}, count(*), sum(amount_cents), true FROM expenses GROUP BY 1, 2, 3, 4, 5, 6;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TRIGGER expenses_delete_parts_rollup ON expenses;
    DROP TRIGGER expenses_rollup_insert ON expenses;
    DROP TRIGGER expenses_rollup_update ON expenses;
    DROP TRIGGER expenses_rollup_delete ON expenses;
    DROP TRIGGER expense_parts_rollup_insert ON expense_parts;
    DROP TRIGGER expense_parts_rollup_update ON expense_parts;
    DROP TRIGGER expense_parts_rollup_delete ON expense_parts;
    DROP FUNCTION compact_expense_rollups();
    DROP FUNCTION expense_delete_parts_rollup();
    DROP FUNCTION expenses_rollup();
    DROP FUNCTION expense_parts_rollup();
    DROP TABLE expense_rollup;
    DROP TABLE grant_part_rollup;
    DROP INDEX expense_parts_one_per_grant;
  `);
}
