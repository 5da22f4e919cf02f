import type { Knex } from 'knex';

// Human references quoted by people (P-2026-00042, D-2026-00003…): one counter per prefix and
// year, taken under the row lock of an upsert so that concurrent inserts never share a number.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE reference_counters (
      prefix text NOT NULL,
      year integer NOT NULL,
      last_value integer NOT NULL,
      PRIMARY KEY (prefix, year)
    );
    CREATE FUNCTION next_reference(p_prefix text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      y integer := extract(year FROM (now() AT TIME ZONE 'Europe/Paris'))::integer;
      n integer;
    BEGIN
      INSERT INTO reference_counters (prefix, year, last_value) VALUES (p_prefix, y, 1)
      ON CONFLICT (prefix, year) DO UPDATE SET last_value = reference_counters.last_value + 1
      RETURNING last_value INTO n;
      RETURN p_prefix || '-' || y || '-' || lpad(n::text, 5, '0');
    END $$;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION next_reference(text); DROP TABLE reference_counters;');
}
