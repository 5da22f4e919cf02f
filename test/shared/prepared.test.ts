import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { preparedRows } from '../../server/shared/prepared.js';

describe('prepared statements for the hot reads', () => {
  it('when a hot read runs prepared, then it answers the rows the same query gives, under a name derived from its SQL (shown to query listeners), and as usual inside a transaction', async () => {
    const db = ctx().deps.db;
    const seen: { sql: string; prepared?: string }[] = [];
    const listen = (q: { sql: string; prepared?: string }) => seen.push(q);
    db.on('query', listen);
    try {
      const query = () => db('users').where('active', true).orderBy('id').select('id', 'roles').limit(5);
      const prepared = await preparedRows<{ id: string; roles: string[] }>(db, query());
      expect(prepared).to.deep.equal(await query());
      expect(prepared.length).to.be.greaterThan(0);
      expect(prepared[0].roles).to.be.an('array');
      const again = await preparedRows(db, query());
      expect(again).to.deep.equal(prepared);
      const names = seen.map((q) => q.prepared).filter(Boolean);
      if (ctx().deps.dbKind === 'server') {
        expect(names).to.have.length(2);
        expect(names[0])
          .to.match(/^p_[0-9a-f]{24}$/)
          .and.equal(names[1]);
        const other = seen.length;
        await preparedRows(db, db('users').where('active', false).select('id').limit(1));
        expect(seen[other].prepared).to.match(/^p_/).and.not.equal(names[0]);
      } else expect(names).to.deep.equal([]);
      seen.length = 0;
      await db.transaction(async (trx) => {
        expect(await preparedRows(trx, trx('users').orderBy('id').select('id').limit(1))).to.have.length(1);
      });
      expect(seen.filter((q) => q.prepared)).to.deep.equal([]);
    } finally {
      db.off('query', listen);
    }
  });
});
