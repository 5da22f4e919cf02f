import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { grantScenario } from './helpers.js';

describe('drawdowns under concurrency', () => {
  it('when drawdowns on overlapping periods race @pg, then they are numbered 1, 2, 3… and every part is claimed once', async () => {
    const s = await grantScenario();
    const finance = await Promise.all([signedIn('finance'), signedIn('finance')]);
    const periods = [
      ['2025-01-01', '2025-12-31'],
      ['2025-01-01', '2026-12-31'],
      ['2026-01-01', '2026-12-31'],
    ];
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        finance[i % 2].request('POST', `/api/grants/${s.g1.id}/drawdowns`, {
          json: { from: periods[i % 3][0], to: periods[i % 3][1] },
          headers: { 'idempotency-key': `race-${i}` },
        }),
      ),
    );
    for (const r of replies) expect([201, 409], r.text).to.include(r.status);
    const created = replies.filter((r) => r.status === 201).map((r) => r.body);
    expect(created.length).to.be.within(1, 3);
    expect(created.map((d) => d.number).sort()).to.deep.equal(created.map((_, i) => i + 1));
    expect(created.reduce((sum, d) => sum + d.partCount, 0)).to.equal(5);
    expect(created.reduce((sum, d) => sum + d.eligibleActualCents, 0)).to.equal(31860);
    const parts = await ctx()
      .deps.db('drawdown_parts as dp')
      .join('drawdowns as d', 'd.id', 'dp.drawdown_id')
      .where('d.grant_id', s.g1.id)
      .select('dp.expense_part_id');
    expect(new Set(parts.map((p: { expense_part_id: string }) => p.expense_part_id)).size).to.equal(parts.length);
    // Whatever the order, 2025 never asks more than its 80,00 € ceiling.
    const asked2025 = await ctx()
      .deps.db('drawdown_years as y')
      .join('drawdowns as d', 'd.id', 'y.drawdown_id')
      .where({ 'd.grant_id': s.g1.id, 'y.year': 2025 })
      .sum({ n: 'y.requested_cents' });
    expect(Number(asked2025[0].n)).to.equal(8000);
  });
});
