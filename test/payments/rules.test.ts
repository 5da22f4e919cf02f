import { expect } from 'chai';
import fc from 'fast-check';
import { splitByCategory } from '../../server/payments/file-data.js';
import { endToEndId } from '../../server/payments/build-batch.js';
import { remittanceOf } from '../../server/payments/documents.js';

describe('payments: rules', () => {
  it('when a paid amount is split across categories, then the parts sum to it exactly and follow the granted shares', () => {
    expect(splitByCategory(5646, { mileage: 1344, allowances: 4302 })).to.deep.equal({
      allowances: 4302,
      mileage: 1344,
    });
    expect(splitByCategory(100, { mileage: 1, meals: 1, nights: 1 })).to.deep.equal({
      meals: 34,
      mileage: 33,
      nights: 33,
    });
    expect(splitByCategory(500, {})).to.deep.equal({ other: 500 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.dictionary(
          fc.constantFrom('transport', 'mileage', 'childcare', 'meals'),
          fc.integer({ min: 0, max: 1_000_000 }),
        ),
        (amount, granted) => {
          const parts = splitByCategory(amount, granted);
          return (
            Object.values(parts).reduce((s, v) => s + v, 0) === amount &&
            Object.values(parts).every((v) => Number.isInteger(v) && v > 0)
          );
        },
      ),
    );
  });

  it('when a payment covers several claims, then its end-to-end id names the batch and the first claim (+ how many more), within 35 characters', () => {
    expect(endToEndId('B-2026-00001', ['R-2026-00107'], 1)).to.equal('B-2026-00001/R-2026-00107');
    expect(endToEndId('B-2026-00001', ['R-2026-00109', 'R-2026-00107', 'R-2026-00108'], 1)).to.equal(
      'B-2026-00001/R-2026-00107+2',
    );
    expect(endToEndId('B-2026-1234567890', ['R-2026-1234567890123'], 7)).to.equal('B-2026-1234567890/P7');
  });

  it('when the remittance text is written, then it gives the session dates in plain words, and says when it is an advance', () => {
    const claim = (dates: string[], isAdvance = false) => ({
      reference: 'R',
      amountCents: 1,
      isAdvance,
      sessionDates: dates,
      categories: {},
      receipts: [],
    });
    expect(remittanceOf([claim(['2026-03-12'])])).to.equal('Remboursement frais atelier 12/03/2026');
    expect(remittanceOf([claim(['2026-04-02']), claim(['2026-03-12'])])).to.equal(
      'Remboursement frais atelier 12/03/2026, 02/04/2026',
    );
    expect(remittanceOf([claim(['2026-03-12'], true)])).to.equal('Avance frais atelier 12/03/2026');
  });
});
