import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { idempotent } from '../../server/shared/idempotency.js';
import { inTransaction } from '../../server/shared/db.js';
import { signedIn } from '../helpers/factories.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('transactions the server rolls back to break a deadlock', () => {
  it('@pg when two money requests lock the same two rows in opposite orders, then the one the server sacrifices runs again and both succeed, each write once', async function () {
    this.timeout(30_000);
    const db = ctx().deps.db;
    const user = await signedIn('finance');
    await db.raw('CREATE TABLE IF NOT EXISTS deadlock_probe (id int PRIMARY KEY, n int NOT NULL)');
    try {
      await db.raw('INSERT INTO deadlock_probe (id, n) VALUES (1, 0), (2, 0)');
      let attempts = 0;
      const request = (key: string, first: number, second: number) =>
        idempotent(
          db,
          { userId: user.user.id, route: 'POST /probe', key, body: { first }, now: new Date() },
          async (trx) => {
            attempts++;
            await trx.raw('UPDATE deadlock_probe SET n = n + 1 WHERE id = ?', [first]);
            await sleep(300);
            await trx.raw('UPDATE deadlock_probe SET n = n + 1 WHERE id = ?', [second]);
            return { status: 201, body: { first } };
          },
        );
      const results = await Promise.all([request('probe-a', 1, 2), request('probe-b', 2, 1)]);
      expect(results.map((r) => r.status)).to.deep.equal([201, 201]);
      // Three runs: one was rolled back by the deadlock detector and ran again.
      expect(attempts).to.equal(3);
      const rows = (await db.raw('SELECT id, n FROM deadlock_probe ORDER BY id')).rows;
      expect(rows).to.deep.equal([
        { id: 1, n: 2 },
        { id: 2, n: 2 },
      ]);
      const keys = await db('idempotency_keys')
        .where({ user_id: user.user.id, route: 'POST /probe' })
        .select('key', 'response_status');
      expect(keys.map((k: { key: string }) => k.key).sort()).to.deep.equal(['probe-a', 'probe-b']);
    } finally {
      await db.raw('DROP TABLE IF EXISTS deadlock_probe');
    }
  });

  it('when the work fails for another reason, then it is not run again', async () => {
    let runs = 0;
    const failed = await inTransaction(ctx().deps.db, async () => {
      runs++;
      throw Object.assign(new Error('refused'), { code: '23505' });
    }).catch((e: { code?: string }) => e.code);
    expect(failed).to.equal('23505');
    expect(runs).to.equal(1);
  });
});
