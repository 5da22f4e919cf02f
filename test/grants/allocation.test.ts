import { expect } from 'chai';
import fc from 'fast-check';
import { allocate, splitExpense } from '../../server/grants/allocation.js';

describe('grants: allocation (largest remainder)', () => {
  it('when 100 cents are split in three equal thirds, then the left-over cent goes to the first party and nothing is lost', () => {
    const r = allocate(100, [
      { key: 'a', shareBp: 3333 },
      { key: 'b', shareBp: 3333 },
      { key: 'c', shareBp: 3334 },
    ]);
    expect(r.shares.map((s) => s.amountCents)).to.deep.equal([33, 33, 34]);
    expect(r.ownCents).to.equal(0);
  });

  it('when one grant takes 50 % of an odd amount, then the grant and the own budget differ by one cent and sum to the amount', () => {
    const r = allocate(101, [{ key: 'g', shareBp: 5000 }]);
    expect(r.shares[0].amountCents + r.ownCents).to.equal(101);
    expect([50, 51]).to.include(r.shares[0].amountCents);
    // Equal remainders: the grant comes before the own budget.
    expect(r.shares[0].amountCents).to.equal(51);
  });

  it('when largest remainders differ, then the extra cents go to the largest remainders', () => {
    // 10 cents: 1/3 → 3.333, 2/3 → 6.666 (own 0): the 6.666 gets the cent.
    const r = allocate(10, [
      { key: 'a', shareBp: 3333 },
      { key: 'b', shareBp: 6667 },
    ]);
    expect(r.shares.map((s) => s.amountCents)).to.deep.equal([3, 7]);
  });

  it('when shares exceed 100 % or the amount is not whole cents, then it refuses', () => {
    expect(() =>
      allocate(10, [
        { key: 'a', shareBp: 6000 },
        { key: 'b', shareBp: 5000 },
      ]),
    ).to.throw(RangeError);
    expect(() => allocate(1.5, [])).to.throw(RangeError);
  });

  it('when any amount is split by any shares (property), then the parts sum exactly to the amount and each is the floor or ceiling of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_00 }),
        fc
          .array(fc.integer({ min: 0, max: 10000 }), { maxLength: 8 })
          .filter((a) => a.reduce((s, x) => s + x, 0) <= 10000),
        (amount, bps) => {
          const r = allocate(
            amount,
            bps.map((shareBp, i) => ({ key: i, shareBp })),
          );
          const all = [...r.shares.map((s) => s.amountCents), r.ownCents];
          expect(all.reduce((s, x) => s + x, 0)).to.equal(amount);
          [...bps, 10000 - bps.reduce((s, x) => s + x, 0)].forEach((bp, i) => {
            const exact = (amount * bp) / 10000;
            expect(all[i]).to.be.oneOf([Math.floor(exact), Math.ceil(exact)]);
            expect(all[i]).to.be.at.least(0);
          });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('when an expense is split and some grants have no budget line (property), then the parts still sum to the amount and each missing line is a warning', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_00 }),
        fc
          .array(fc.record({ shareBp: fc.integer({ min: 1, max: 5000 }), hasLine: fc.boolean() }), { maxLength: 4 })
          .filter((a) => a.reduce((s, x) => s + x.shareBp, 0) <= 10000),
        (amount, grants) => {
          const { parts, warnings } = splitExpense(
            amount,
            grants.map((g, i) => ({
              grantId: `g${i}`,
              reference: `F-${i}`,
              shareBp: g.shareBp,
              budgetLineId: g.hasLine ? `l${i}` : null,
            })),
            { category: 'Repas', year: 2026 },
          );
          expect(parts.reduce((s, p) => s + p.amountCents, 0)).to.equal(amount);
          expect(parts.filter((p) => p.grantId === null)).to.have.length.at.most(1);
          expect(parts.every((p) => (p.grantId === null) === (p.budgetLineId === null))).to.equal(true);
          expect(warnings.length).to.equal(grants.filter((g) => !g.hasLine).length);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
