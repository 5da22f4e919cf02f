import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { openServerDatabase } from '../../server/shared/db.js';
import { buildBatchIn } from '../../server/payments/build-batch.js';
import { actingAs } from '../helpers/acting.js';
import { cancelBatch } from '../../server/payments/batch-lifecycle.js';
import { approvedClaim, attendee, payingSetup } from './helpers.js';

/** The invariants a crash must never break, over the claims of one project. */
async function checkInvariants(projectId: string) {
  const db = ctx().deps.db;
  const { rows: twice } = await db.raw(
    `SELECT claim_id FROM batch_claims bc JOIN claims c ON c.id = bc.claim_id WHERE c.project_id = ? AND NOT bc.voided GROUP BY claim_id HAVING count(*) > 1`,
    [projectId],
  );
  expect(twice).to.have.length(0);
  const { rows: totals } = await db.raw(
    `SELECT b.id, b.total_cents, b.payment_count,
            (SELECT coalesce(sum(amount_cents), 0) FROM batch_claims WHERE batch_id = b.id) AS claims_sum,
            (SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE batch_id = b.id) AS payments_sum,
            (SELECT count(*) FROM payments WHERE batch_id = b.id) AS payments
       FROM payment_batches b WHERE b.id IN (SELECT batch_id FROM batch_claims bc JOIN claims c ON c.id = bc.claim_id WHERE c.project_id = ?)`,
    [projectId],
  );
  for (const t of totals) {
    expect(Number(t.claims_sum)).to.equal(Number(t.total_cents));
    expect(Number(t.payments_sum)).to.equal(Number(t.total_cents));
    expect(Number(t.payments)).to.equal(t.payment_count);
  }
  const { rows: orphans } = await db.raw(
    `SELECT c.id FROM claims c WHERE c.project_id = ? AND (c.status = 'in_batch') <> EXISTS (SELECT 1 FROM batch_claims bc WHERE bc.claim_id = c.id AND NOT bc.voided)`,
    [projectId],
  );
  expect(orphans).to.have.length(0);
}

describe('payments: crashes', () => {
  it('@pg when the connection building a batch of 1,002 claims is killed at random points 20 times, then no claim is in two batches, no batch is half built, and every total is the sum of its claims', async function () {
    this.timeout(180_000);
    const s = await payingSetup();
    const people = [await attendee(s), await attendee(s), await attendee(s)];
    const seeds = [];
    for (const p of people) seeds.push(await approvedClaim(s, p.id));
    const db = ctx().deps.db;
    // 1,002 approved claims, cloned from the three decided ones (batching reads only the claim row).
    await db.raw(
      `INSERT INTO claims (participant_id, payee_id, project_id, status, departure_at, return_at, submitted_at, decided_at, decided_by, entered_by,
                           amount_requested_cents, amount_eligible_cents, amount_granted_cents, amount_to_pay_cents)
       SELECT participant_id, payee_id, project_id, status, departure_at, return_at, submitted_at, decided_at, decided_by, entered_by,
              amount_requested_cents, amount_eligible_cents, amount_granted_cents, amount_to_pay_cents
         FROM claims, generate_series(1, 333) WHERE id = ANY(?::uuid[])`,
      [seeds.map((c) => c.id)],
    );
    const actor = await actingAs(s.finance.user.id, ['finance']);
    const committed: string[] = []; // rounds whose batch committed before the kill (about half, with these delays)
    for (let round = 0; round < 20; round++) {
      const instance = await openServerDatabase(ctx().testDb.url!, 1);
      let pid = 0;
      let started!: () => void;
      const ready = new Promise<void>((resolve) => {
        started = resolve;
      });
      const outcome = instance.knex
        .transaction(async (trx) => {
          pid = (await trx.raw('SELECT pg_backend_pid() AS pid')).rows[0].pid;
          started();
          return buildBatchIn(trx, ctx().deps, actor, { projectId: s.project.id });
        })
        .then(
          (r) => r.batchId,
          () => null,
        );
      await ready;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 250)));
      await db.raw('SELECT pg_terminate_backend(?)', [pid]);
      const batchId = await outcome;
      await instance.close().catch(() => undefined);
      await checkInvariants(s.project.id);
      // A batch that committed before the kill is whole; cancel it so the next round has claims again.
      if (batchId) {
        committed.push(batchId);
        await cancelBatch(ctx().deps, actor, batchId);
      }
      await checkInvariants(s.project.id);
    }
    // Whatever survived, the claims can still be batched, each exactly once.
    const last = await db.transaction((trx) => buildBatchIn(trx, ctx().deps, actor, { projectId: s.project.id }));
    expect((await db('batch_claims').where({ batch_id: last.batchId })).length).to.equal(1002);
    await checkInvariants(s.project.id);
    expect(new Set(committed).size).to.equal(committed.length);
  });
});
