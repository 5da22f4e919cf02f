import type { Knex } from 'knex';

// lpad() cuts a longer string: the 100,000th reference of a year would have repeated the
// 10,000th. Pad to five digits, never truncate.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION next_reference(p_prefix text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      y integer := extract(year FROM (now() AT TIME ZONE 'Europe/Paris'))::integer;
      n integer;
    BEGIN
      INSERT INTO reference_counters (prefix, year, last_value) VALUES (p_prefix, y, 1)
      ON CONFLICT (prefix, year) DO UPDATE SET last_value = reference_counters.last_value + 1
      RETURNING last_value INTO n;
      RETURN p_prefix || '-' || y || '-' || lpad(n::text, greatest(5, length(n::text)), '0');
    END $$;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION next_reference(p_prefix text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
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
