import { expect } from 'chai';
import { COUNT_CAP, countLabel } from '../../server/shared/counts.js';

describe('capped counts as pages show them', () => {
  it('when a count is at most the cap, then it shows as is; past it, as "plus de 10 000"', () => {
    expect(COUNT_CAP).to.equal(10_000);
    expect(countLabel(0)).to.equal('0');
    expect(countLabel(10_000)).to.equal('10000');
    expect(countLabel(10_001)).to.equal('plus de 10\u202f000');
    expect(countLabel(3, 2)).to.equal('plus de 2');
  });
});
