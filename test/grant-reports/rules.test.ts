import { expect } from 'chai';
import fc from 'fast-check';
import { csvLine, centsToCsv } from '../../server/shared/csv.js';
import { statementCells, statementCsvLine } from '../../server/grant-reports/statement.js';
import {
  addMonthKey,
  forecastAtPace,
  gapPercent,
  monthRange,
  percentile,
  perUnit,
  requestedPerYear,
} from '../../server/grant-reports/rules.js';

describe('grant report rules', () => {
  it('when percentiles are taken, then the nearest-rank method gives an observed value: rank ⌈p/100 × n⌉ of the sorted list', () => {
    expect(percentile([], 50)).to.equal(null);
    expect(percentile([7], 50)).to.equal(7);
    expect(percentile([7], 90)).to.equal(7);
    // n = 4: median rank ⌈2⌉ = 2 (lower middle), p90 rank ⌈3.6⌉ = 4.
    expect(percentile([40, 10, 30, 20], 50)).to.equal(20);
    expect(percentile([40, 10, 30, 20], 90)).to.equal(40);
    // n = 10: p90 rank 9; n = 11: p90 rank ⌈9.9⌉ = 10.
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).to.equal(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).to.equal(10);
    expect(percentile([5, 1, 3], 100)).to.equal(5);
    expect(() => percentile([1], 0)).to.throw();
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 1, max: 100 }),
        (values, p) => {
          const v = percentile(values, p)!;
          expect(values).to.include(v);
          expect(values.filter((x) => x <= v).length / values.length).to.be.at.least(p / 100);
        },
      ),
    );
  });

  it('when months are counted, then keys roll over years both ways', () => {
    expect(addMonthKey('2025-11', 3)).to.equal('2026-02');
    expect(addMonthKey('2026-01', -1)).to.equal('2025-12');
    expect(monthRange('2025-11', '2026-02')).to.deep.equal(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthRange('2026-02', '2026-01')).to.deep.equal([]);
  });

  it('when the forecast is made, then it adds the average of the 6 complete months before this one times the months left after this one', () => {
    const byMonth = new Map([
      ['2025-10', 99999],
      ['2025-11', 600],
      ['2026-02', 1200],
      ['2026-04', 1],
      ['2026-05', 5000],
    ]);
    // May 2026: Nov–Apr = 1801 → 300.17/month; 7 months left (June–December).
    expect(
      forecastAtPace({
        today: '2026-05-15',
        periodEnd: '2026-12-31',
        actualToDateCents: 106800,
        actualByMonth: byMonth,
      }),
    ).to.deep.equal({ paceCents: 300, monthsLeft: 7, forecastCents: 106800 + 2101 });
    expect(
      forecastAtPace({ today: '2027-02-01', periodEnd: '2026-12-31', actualToDateCents: 500, actualByMonth: byMonth }),
    ).to.deep.include({ monthsLeft: 0, forecastCents: 500 });
  });

  it('when a drawdown is computed, then per year the funder owes claimed × rate (half up) within the ceiling, and the drawdown asks the change from earlier ones', () => {
    const soFar = (entries: [number, number, number][]) =>
      new Map(entries.map(([year, eligibleCents, requestedCents]) => [year, { eligibleCents, requestedCents }]));
    const r = requestedPerYear(
      new Map([
        [2026, 11001],
        [2025, 21060],
        [2027, 999],
      ]),
      5000,
      new Map([
        [2025, 8000],
        [2026, 5000],
      ]),
      soFar([[2026, 9000, 4500]]),
    );
    expect(r).to.deep.equal([
      { year: 2025, eligibleCents: 21060, claimedCents: 21060, dueCents: 8000, requestedCents: 8000, capped: true },
      { year: 2026, eligibleCents: 2001, claimedCents: 11001, dueCents: 5000, requestedCents: 500, capped: true },
      { year: 2027, eligibleCents: 999, claimedCents: 999, dueCents: 500, requestedCents: 500, capped: false },
    ]);
    // Rounding is on the cumulative figure: 33,33 % of 1,00 € then of 2,00 € asks 0,33 then 0,34 (0,67 in all, not 0,66).
    expect(requestedPerYear(new Map([[2025, 100]]), 3333, new Map(), new Map())[0]).to.include({ requestedCents: 33 });
    expect(requestedPerYear(new Map([[2025, 200]]), 3333, new Map(), soFar([[2025, 100, 33]]))[0]).to.include({
      eligibleCents: 100,
      requestedCents: 34,
    });
    // Ceiling already reached: nothing more.
    expect(
      requestedPerYear(new Map([[2025, 300]]), 3333, new Map([[2025, 50]]), soFar([[2025, 200, 50]]))[0],
    ).to.include({ eligibleCents: 100, dueCents: 50, requestedCents: 0 });
  });

  it('when parts are withdrawn, then the drawdown deducts them, and not below what the ceiling kept unpaid', () => {
    const soFar = new Map([[2025, { eligibleCents: 21060, requestedCents: 8000 }]]);
    // 21 060 claimed, 80,00 € paid (capped). 2 000 withdrawn: 50 % of 19 060 = 95,30 is still above the ceiling → nothing to deduct.
    expect(requestedPerYear(new Map([[2025, 19060]]), 5000, new Map([[2025, 8000]]), soFar)).to.deep.equal([
      { year: 2025, eligibleCents: -2000, claimedCents: 19060, dueCents: 8000, requestedCents: 0, capped: true },
    ]);
    // 15 060 withdrawn: 50 % of 6 000 = 30,00 due → 50,00 deducted.
    expect(requestedPerYear(new Map([[2025, 6000]]), 5000, new Map([[2025, 8000]]), soFar)[0]).to.include({
      eligibleCents: -15060,
      dueCents: 3000,
      requestedCents: -5000,
      capped: false,
    });
    // Every part withdrawn: the year owes nothing; without ceilings the deduction is the rate of the withdrawn spend.
    expect(
      requestedPerYear(new Map(), 5000, new Map(), new Map([[2026, { eligibleCents: 4001, requestedCents: 2001 }]]))[0],
    ).to.include({ eligibleCents: -4001, claimedCents: 0, requestedCents: -2001 });
    // A year that does not change is left out.
    expect(requestedPerYear(new Map([[2025, 21060]]), 5000, new Map([[2025, 8000]]), soFar)).to.deep.equal([]);
    // Property: whatever the sequence of claimed totals, the requests of a year sum to what is due at the end.
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 10000 }),
        fc.option(fc.integer({ min: 0, max: 5_000_000 }), { nil: undefined }),
        (totals, rate, ceiling) => {
          const ceilings = ceiling === undefined ? new Map<number, number>() : new Map([[2026, ceiling]]);
          let drawn = { eligibleCents: 0, requestedCents: 0 };
          for (const claimed of totals) {
            const [y] = requestedPerYear(new Map([[2026, claimed]]), rate, ceilings, new Map([[2026, drawn]]));
            if (y)
              drawn = {
                eligibleCents: drawn.eligibleCents + y.eligibleCents,
                requestedCents: drawn.requestedCents + y.requestedCents,
              };
          }
          const last = totals[totals.length - 1];
          const due = Math.min(Math.round((last * rate) / 10000 + 1e-9), ceiling ?? Infinity);
          expect(drawn).to.deep.equal({ eligibleCents: last, requestedCents: due });
        },
      ),
    );
  });

  it('when costs and gaps are divided, then they round half up and refuse to divide by zero', () => {
    expect(perUnit(31860, 4)).to.equal(7965);
    expect(perUnit(5, 2)).to.equal(3);
    expect(perUnit(10, 0)).to.equal(null);
    expect(gapPercent(50000, 6060)).to.equal(-87.9);
    expect(gapPercent(0, 100)).to.equal(null);
    expect(gapPercent(300, 400)).to.equal(33.3);
  });
});

describe('statement CSV fast path', () => {
  it('when any line is written, then the fast writer gives exactly what csvLine gives (quoting, neutralising, amounts, negative withdrawals, no date)', () => {
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom('=1+1', '+33', '-2', '@x', '\tA', 'a;b', 'say "hi"', 'a\r\nb', ''),
    );
    fc.assert(
      fc.property(
        fc.record({
          paid_on: fc.constantFrom('2025-01-09', '2026-12-31', null),
          category: fc.constantFrom('transport', 'venue', 'catering'),
          year: fc.integer({ min: 2024, max: 2027 }),
          expense_reference: text,
          source: fc.constantFrom('claim_line', 'booking', 'invoice'),
          claim_reference: fc.option(text),
          receipt_sha256: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/)),
          invoice_number: text,
          invoice_sha256: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/)),
          participant_reference: fc.option(text),
          amount_cents: fc.integer({ min: -10_000_000_00, max: 10_000_000_00 }),
        }),
        (r) => {
          const c = statementCells(r);
          expect(statementCsvLine(r)).to.equal(csvLine([c[0], c[1], c[2], c[3], c[4], c[5], c[6], centsToCsv(c[7])]));
        },
      ),
      { numRuns: 500 },
    );
  });
});
