import type { Knex } from 'knex';

// The participants list: live records (merged ones hidden) of one status, sorted by folded name
// then id, read one keyset page at a time: this index gives the page in order without a sort.
// The trigram indexes serve the search by part of a name, an e-mail, a phone or a reference
// (ILIKE on the reference, LIKE on the folded columns).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE INDEX participants_live_sort_name ON participants (status, sort_name, id) WHERE merged_into_id IS NULL;
    CREATE INDEX participants_sort_name_trgm ON participants USING gin (sort_name gin_trgm_ops);
    CREATE INDEX participants_search_contact_trgm ON participants USING gin (search_contact gin_trgm_ops);
    CREATE INDEX participants_reference_trgm ON participants USING gin (reference gin_trgm_ops);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX participants_reference_trgm;
    DROP INDEX participants_search_contact_trgm;
    DROP INDEX participants_sort_name_trgm;
    DROP INDEX participants_live_sort_name;
  `);
}
