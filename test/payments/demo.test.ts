import { expect } from 'chai';
import { signedIn } from '../helpers/factories.js';

describe('payments: demo data', () => {
  it('when the demo is loaded, then one batch is paid, one exported and one open', async () => {
    const finance = await signedIn('finance');
    const statuses = async (status: string) => (await finance.get(`/api/payment-batches?status=${status}&sort=createdAt&limit=200`)).body.items;
    const [paid, exported, open] = [await statuses('paid'), await statuses('exported'), await statuses('open')];
    expect(paid.length).to.be.at.least(1);
    expect(exported.length).to.be.at.least(1);
    expect(open.length).to.be.at.least(1);
    const first = await finance.get(`/api/payment-batches/${paid[0].id}`);
    expect(first.body.payments[0].status).to.equal('paid');
  });
});
