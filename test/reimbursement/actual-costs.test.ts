import { expect } from 'chai';
import { computeLine, LineInputError, formatQuarterHours } from '../../server/reimbursement/compute-line.js';
import { context, line, rateSet } from './helpers.js';

describe('reimbursement rules: actual costs and receipts', () => {
  it('when a public transport ticket has its receipt, then the actual cost is eligible, in the transport category', () => {
    const r = computeLine(line({ kind: 'public_transport', amountCents: 1240 }), context());
    expect(r).to.deep.equal({
      eligibleCents: 1240,
      explanation: 'Transport en commun : 12,40 € (coût réel sur justificatif)',
      rule: 'actual_cost',
      flags: [],
      category: 'transport',
    });
  });

  it('when a ticket has no receipt, even a cheap one, then it is flagged missing_receipt (the amount stays for the reviewer)', () => {
    const r = computeLine(line({ kind: 'public_transport', amountCents: 180, hasReceipt: false }), context());
    expect(r.flags).to.deep.equal(['missing_receipt']);
    expect(r.eligibleCents).to.equal(180);
  });

  it('when a taxi or adapted transport is claimed, then it is always flagged for review, and missing_receipt too without a receipt', () => {
    expect(computeLine(line({ kind: 'taxi', amountCents: 4200 }), context()).flags).to.deep.equal(['taxi']);
    const r = computeLine(line({ kind: 'taxi', amountCents: 4200, hasReceipt: false }), context());
    expect(r.flags).to.deep.equal(['missing_receipt', 'taxi']);
    expect(r).to.deep.include({ eligibleCents: 4200, category: 'transport', rule: 'actual_cost' });
  });

  it('when childcare costs exactly the cap (2 h 30 × 18 €), then all of it is paid without a flag', () => {
    const r = computeLine(line({ kind: 'childcare', amountCents: 4500, childcareQuarterHours: 10 }), context());
    expect(r).to.deep.equal({
      eligibleCents: 4500,
      explanation: 'Garde d’enfants : 45,00 € (coût réel sur justificatif, plafond 2 h 30 × 18,00 € = 45,00 €)',
      rule: 'actual_cost',
      flags: [],
      category: 'childcare',
    });
  });

  it('when childcare costs one cent above the cap, then it is capped and flagged over_cap', () => {
    const r = computeLine(line({ kind: 'childcare', amountCents: 4501, childcareQuarterHours: 10 }), context());
    expect(r.eligibleCents).to.equal(4500);
    expect(r.rule).to.equal('cap_childcare_hours');
    expect(r.flags).to.deep.equal(['over_cap']);
    expect(r.explanation).to.equal('Garde d’enfants : 45,01 € plafonnés à 2 h 30 × 18,00 € = 45,00 €');
  });

  it('when the hourly cap makes a half cent (a quarter-hour at 18,50 €), then the cap rounds half up', () => {
    const r = computeLine(
      line({ kind: 'childcare', amountCents: 1000, childcareQuarterHours: 1 }),
      context({ rates: rateSet({ childcareHourlyCapCents: 1850 }) }),
    );
    expect(r.eligibleCents).to.equal(463); // 4,625 €
    expect(r.flags).to.deep.equal(['over_cap']);
  });

  it('when childcare has no receipt, then both flags may appear', () => {
    const r = computeLine(
      line({ kind: 'childcare', amountCents: 9000, childcareQuarterHours: 8, hasReceipt: false }),
      context(),
    );
    expect(r.flags).to.deep.equal(['missing_receipt', 'over_cap']);
  });

  it('when quarter-hours are spelled out, then they read as French durations', () => {
    expect([0, 1, 4, 10, 96].map(formatQuarterHours)).to.deep.equal(['0 h', '0 h 15', '1 h', '2 h 30', '24 h']);
  });

  for (const [input, field] of [
    [{ kind: 'childcare', amountCents: 1000, childcareQuarterHours: 100 }, 'childcareQuarterHours'], // 25 hours in a day
    [{ kind: 'childcare', amountCents: 1000 }, 'childcareQuarterHours'],
    [{ kind: 'childcare', childcareQuarterHours: 4 }, 'amountCents'],
    [{ kind: 'public_transport', amountCents: 12.5 }, 'amountCents'], // a fraction of a cent
    [{ kind: 'taxi', amountCents: -1 }, 'amountCents'],
  ] as const) {
    it(`when a line has ${JSON.stringify(input)}, then it is refused naming ${field}`, () => {
      expect(() => computeLine(line(input), context()))
        .to.throw(LineInputError)
        .with.property('field', field);
    });
  }

  it('when another kind holds an amount above the receipt threshold without a receipt, then it is flagged; at the threshold, not', () => {
    const over = computeLine(
      line({ kind: 'mileage', distanceDeciKm: 100, fiscalPower: 'cv_6_7', amountCents: 1501, hasReceipt: false }),
      context(),
    );
    expect(over.flags).to.deep.equal(['missing_receipt']);
    const at = computeLine(
      line({ kind: 'mileage', distanceDeciKm: 100, fiscalPower: 'cv_6_7', amountCents: 1500, hasReceipt: false }),
      context(),
    );
    expect(at.flags).to.deep.equal([]);
  });

  it('when the line is the accompanying person’s, then only the explanation and the rule say so', () => {
    const own = computeLine(line({ kind: 'public_transport', amountCents: 1240 }), context());
    const companion = computeLine(line({ kind: 'public_transport', amountCents: 1240, forCompanion: true }), context());
    expect(companion).to.deep.equal({
      ...own,
      explanation: `Accompagnant — ${own.explanation}`,
      rule: 'actual_cost_companion',
    });
    const km = computeLine(
      line({ kind: 'mileage', distanceDeciKm: 420, fiscalPower: 'cv_5_or_less', forCompanion: true }),
      context(),
    );
    expect(km.explanation).to.equal('Accompagnant — 42 km × 0,32 € = 13,44 €');
    expect(km.rule).to.equal('mileage_band_1_companion');
  });

  it('when the policy given came into force after the travel day, then the call is a programming error', () => {
    expect(() =>
      computeLine(
        line({ kind: 'public_transport', amountCents: 100, travelDate: '2026-05-12' }),
        context({ rates: rateSet({ effectiveFrom: '2026-05-13' }) }),
      ),
    ).to.throw(RangeError);
  });
});
