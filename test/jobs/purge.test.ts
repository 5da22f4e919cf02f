import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createUser } from '../helpers/factories.js';
import { purgeExpired } from '../../server/jobs/scheduler.js';
import { systemActing } from '../../server/shared/acting.js';
import { settingsLoader } from '../../server/settings/index.js';

describe('hourly purge of expired previews and idempotency keys', () => {
  it('when an import preview is past its 24 h and a key older than 24 h, then the rows and the key go; fresh ones stay', async () => {
    const db = ctx().deps.db;
    const user = await createUser();
    const old = new Date(Date.now() - 25 * 3600_000);
    const [stale] = await db('imports')
      .insert({
        kind: 'participants',
        rows: JSON.stringify([{ lastName: 'Périmé' }]),
        created_by: user.id,
        created_at: old,
        expires_at: new Date(Date.now() - 3600_000),
      })
      .returning('id');
    const [fresh] = await db('imports')
      .insert({
        kind: 'participants',
        rows: JSON.stringify([{ lastName: 'Frais' }]),
        created_by: user.id,
        expires_at: new Date(Date.now() + 3600_000),
      })
      .returning('id');
    await db('idempotency_keys').insert([
      {
        user_id: user.id,
        route: 'POST /api/claims',
        key: 'old',
        request_hash: 'x',
        response_status: 201,
        response_body: '{}',
        created_at: old,
      },
      {
        user_id: user.id,
        route: 'POST /api/claims',
        key: 'new',
        request_hash: 'x',
        response_status: 201,
        response_body: '{}',
      },
    ]);
    const { deps } = ctx();
    await purgeExpired(deps, systemActing({ now: deps.now(), settings: settingsLoader(deps.db), runId: 'test' }));
    expect(await db('imports').where({ id: stale.id }).first('status', 'rows')).to.deep.equal({
      status: 'expired',
      rows: null,
    });
    expect((await db('imports').where({ id: fresh.id }).first('status')).status).to.equal('previewed');
    const keys = (await db('idempotency_keys').where({ user_id: user.id }).select('key')).map((k) => k.key);
    expect(keys).to.deep.equal(['new']);
  });
});
