import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { openServerDatabase } from '../../server/shared/db.js';
import { buildBatchIn } from '../../server/payments/build-batch.js';
import { actingAs } from '../helpers/acting.js';
import { AppError } from '../../server/shared/errors.js';
import { approvedClaim, attendee, mileage, payingSetup } from './helpers.js';

describe('payments: concurrency', () => {
  it('@pg when two service instances take 64 concurrent attempts at batching the same claims, then each claim is in exactly one batch and every batch total is the sum of its claims', async function () {
    this.timeout(120_000);
    const s = await payingSetup();
    const claims: { id: string; amountCents: number }[] = [];
    for (let p = 0; p < 4; p++) {
      const person = await attendee(s);
      for (let i = 0; i < 3; i++) claims.push(await approvedClaim(s, person.id, [mileage(100 + 10 * p + i)]));
    }
    const ids = claims.map((c) => c.id);
    const instances = await Promise.all([
      openServerDatabase(ctx().testDb.url!, 8),
      openServerDatabase(ctx().testDb.url!, 8),
    ]);
    try {
      const actor = await actingAs(s.finance.user.id, ['finance']);
      const outcomes = await Promise.all(
        Array.from({ length: 64 }, async (_, i) => {
          const knex = instances[i % 2].knex;
          // Half name the claims (reversed for some, to provoke lock-order trouble), half use the project filter.
          const input =
            i % 4 === 0 ? { projectId: s.project.id } : { claimIds: i % 3 === 0 ? [...ids].reverse() : ids };
          try {
            await knex.transaction((trx) => buildBatchIn(trx, ctx().deps, actor, input));
            return 'built';
          } catch (e) {
            if (e instanceof AppError && e.status === 409) return e.code;
            throw e;
          }
        }),
      );
      expect(outcomes.filter((o) => o === 'built').length).to.be.at.least(1);
      expect(
        outcomes.filter((o) => o !== 'built').every((o) => ['claim_not_payable', 'no_claims_to_batch'].includes(o)),
      ).to.equal(true);
      const db = ctx().deps.db;
      const rows = await db('batch_claims').whereIn('claim_id', ids).where({ voided: false });
      expect(rows).to.have.length(ids.length);
      expect(new Set(rows.map((r) => r.claim_id)).size).to.equal(ids.length);
      const batchIds = [...new Set(rows.map((r) => r.batch_id))];
      for (const b of await db('payment_batches').whereIn('id', batchIds)) {
        const mine = rows.filter((r) => r.batch_id === b.id);
        const expected = mine.reduce((sum, r) => sum + claims.find((c) => c.id === r.claim_id)!.amountCents, 0);
        expect(Number(b.total_cents)).to.equal(expected);
        const [{ sum }] = await db('payments').where({ batch_id: b.id }).sum({ sum: 'amount_cents' });
        expect(Number(sum)).to.equal(expected);
      }
      expect((await db('claims').whereIn('id', ids).distinct('status')).map((r) => r.status)).to.deep.equal([
        'in_batch',
      ]);
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });

  it('when a claim already sits in a live batch, then the database itself refuses a second live row for it', async () => {
    const s = await payingSetup();
    const a = await attendee(s);
    const c = await approvedClaim(s, a.id);
    expect((await s.finance.post('/api/payment-batches', { claimIds: [c.id] })).status).to.equal(201);
    const db = ctx().deps.db;
    const row = await db('batch_claims').where({ claim_id: c.id }).first();
    const [other] = await db('payment_batches')
      .insert({ kind: 'transfer', total_cents: 0, payment_count: 0 })
      .returning('id');
    let code = '';
    try {
      await db('batch_claims').insert({ ...row, batch_id: other.id });
    } catch (e) {
      code = (e as { code: string }).code;
    }
    expect(code).to.equal('23505');
    await db('payment_batches').where({ id: other.id }).delete();
  });
});
