import { expect } from 'chai';
import { ctx } from '../helpers/context.js';

describe('claims: demo data', () => {
  it('when the demo is loaded, then every demo claim has its hands recorded and none was decided by someone who had a hand on it', async () => {
    const db = ctx().deps.db;
    const demo = await db('claims as c')
      .join('audit_events as a', (j) =>
        j.on(db.raw('a.record_id = c.id::text')).andOn(db.raw("a.action = 'claim.created' AND a.request_id = 'demo'")),
      )
      .distinct('c.id', 'c.entered_by', 'c.decided_by');
    expect(demo.length, 'the demo loader entered claims').to.be.greaterThan(5);
    const ids = demo.map((c: { id: string }) => c.id);
    const withoutHand = await db('claims')
      .whereIn('id', ids)
      .whereNotExists(db('claim_hands as h').whereRaw('h.claim_id = claims.id AND h.user_id = claims.entered_by'))
      .pluck('reference');
    expect(withoutHand, 'demo claims whose entry left no hand').to.deep.equal([]);
    const decidedByAHand = await db('claims as c')
      .join('claim_hands as h', (j) => j.on('h.claim_id', 'c.id').andOn('h.user_id', 'c.decided_by'))
      .whereIn('c.id', ids)
      .distinct()
      .pluck('c.reference');
    expect(decidedByAHand, 'demo claims decided by someone who had a hand on them').to.deep.equal([]);
    expect(
      demo.filter((c: { decided_by: string | null }) => c.decided_by).length,
      'the demo decided some claims',
    ).to.be.greaterThan(0);
  });
});
