import type { Knex } from 'knex';

// The partners list's sort (folded name, then id) and its search by part of a word; the
// trigram index on the name also serves the search of participants by their partner's name.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE INDEX partners_sort_name ON partners (sort_name, id);
    CREATE INDEX partners_sort_name_trgm ON partners USING gin (sort_name gin_trgm_ops);
    CREATE INDEX partners_search_text_trgm ON partners USING gin (search_text gin_trgm_ops);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX partners_search_text_trgm;
    DROP INDEX partners_sort_name_trgm;
    DROP INDEX partners_sort_name;
  `);
}
