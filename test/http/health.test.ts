import { expect } from 'chai';
import { Client } from '../helpers/client.js';

describe('health', () => {
  it('when the database answers, then /health is 200 with db ok', async () => {
    const r = await new Client().get('/health');
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal({ status: 'ok', db: 'ok' });
  });
});
