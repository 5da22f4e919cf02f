import { expect } from 'chai';
import knexFactory from 'knex';
import { Client } from '../helpers/client.js';
import { ctx } from '../helpers/context.js';
import { createApp } from '../../server/app.js';

describe('health', () => {
  it('when the database answers, then /health is 200 with db ok', async () => {
    const r = await new Client().get('/health');
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal({ status: 'ok', db: 'ok' });
  });
});

describe('health when the database is down', () => {
  it('when the database does not answer, then /health is 503 with db unavailable', async () => {
    const dead = knexFactory({
      client: 'pg',
      connection: { host: '127.0.0.1', port: 1, user: 'nobody', database: 'none' },
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 1000,
    });
    const app = createApp({ ...ctx().deps, db: dead });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const address = server.address() as { port: number };
      const r = await new Client(`http://127.0.0.1:${address.port}`).get('/health');
      expect(r.status).to.equal(503);
      expect(r.body).to.deep.equal({ status: 'degraded', db: 'unavailable' });
    } finally {
      server.close();
      await dead.destroy();
    }
  });
});
