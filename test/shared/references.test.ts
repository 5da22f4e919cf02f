import { expect } from 'chai';
import { ctx } from '../helpers/context.js';

describe('human references', () => {
  it('when a counter passes 99,999, then references grow a digit instead of repeating', async () => {
    const db = ctx().deps.db;
    await db.transaction(async (trx) => {
      await trx.raw(
        "INSERT INTO reference_counters (prefix, year, last_value) VALUES ('Z', extract(year FROM (now() AT TIME ZONE 'Europe/Paris'))::int, 99998)",
      );
      const refs = [];
      for (let i = 0; i < 3; i++) refs.push((await trx.raw("SELECT next_reference('Z') AS r")).rows[0].r);
      const year = refs[0].split('-')[1];
      expect(refs).to.deep.equal([`Z-${year}-99999`, `Z-${year}-100000`, `Z-${year}-100001`]);
      await trx.raw("DELETE FROM reference_counters WHERE prefix = 'Z'");
    });
  });

  it('when two participants are created, then they get consecutive references of the current year', async () => {
    const db = ctx().deps.db;
    const [a] = await db('participants').insert({ first_name: 'A', last_name: 'Réf' }).returning('reference');
    const [b] = await db('participants').insert({ first_name: 'B', last_name: 'Réf' }).returning('reference');
    expect(a.reference).to.match(/^P-\d{4}-\d{5,}$/);
    expect(Number(b.reference.split('-')[2])).to.equal(Number(a.reference.split('-')[2]) + 1);
  });
});
