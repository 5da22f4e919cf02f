import type { Knex } from 'knex';

// A stored document is a consent proof, a claim receipt or a supplier invoice: each falls in a
// retention kind of the personal-data registry. The catch-all 'other' had no retention and no
// code ever stored one; it is removed so that no document can escape the schedule.
export async function up(knex: Knex): Promise<void> {
  const [{ n }] = (await knex.raw(`SELECT count(*)::int AS n FROM files WHERE purpose = 'other'`)).rows;
  if (n > 0)
    throw new Error(
      `${n} stored document(s) have purpose 'other', which no retention rule covers: give each its real purpose (consent_evidence, receipt or invoice) before migrating`,
    );
  await knex.raw(`
    ALTER TABLE files DROP CONSTRAINT files_purpose_check;
    ALTER TABLE files ADD CONSTRAINT files_purpose_check CHECK (purpose IN ('consent_evidence', 'receipt', 'invoice'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE files DROP CONSTRAINT files_purpose_check;
    ALTER TABLE files ADD CONSTRAINT files_purpose_check CHECK (purpose IN ('consent_evidence', 'receipt', 'invoice', 'other'));
  `);
}
