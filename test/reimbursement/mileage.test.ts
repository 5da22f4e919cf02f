import { expect } from 'chai';
import { computeLine, LineInputError } from '../../server/reimbursement/compute-line.js';
import { splitAcrossBands } from '../../server/reimbursement/mileage.js';
import { context, line, rateSet } from './helpers.js';

const km = (n: number) => n * 10;
const car = (distanceDeciKm: number, fiscalPower: 'cv_5_or_less' | 'cv_6_7' | 'cv_8_or_more' = 'cv_5_or_less') =>
  line({ kind: 'mileage', distanceDeciKm, fiscalPower, hasReceipt: false });

describe('reimbursement rules: mileage', () => {
  it('when a 42 km trip is the first of the year (≤ 5 CV), then it is paid at the first band and explained in French', () => {
    const r = computeLine(car(km(42)), context());
    expect(r).to.deep.equal({
      eligibleCents: 1344,
      explanation: '42 km × 0,32 € = 13,44 €',
      rule: 'mileage_band_1',
      flags: [],
      category: 'mileage',
    });
  });

  it('when a trip brings the year to exactly 2 000 km, then all of it stays in the first band', () => {
    const r = computeLine(car(km(2000)), context());
    expect(r.eligibleCents).to.equal(64_000);
    expect(r.rule).to.equal('mileage_band_1');
    expect(r.explanation).to.equal('2 000 km × 0,32 € = 640,00 €');
    const last = computeLine(car(km(20)), context({ priorMileageDeciKmThisYear: km(1980) }));
    expect(last.rule).to.equal('mileage_band_1');
  });

  it('when 2 000 km were already driven this year, then the next trip is at the second band', () => {
    const r = computeLine(car(km(10)), context({ priorMileageDeciKmThisYear: km(2000) }));
    expect(r.eligibleCents).to.equal(400);
    expect(r.rule).to.equal('mileage_band_2');
  });

  it('when a trip crosses 2 000 km (1 990 + 20), then it is split: 10 km at each band', () => {
    const r = computeLine(car(km(20)), context({ priorMileageDeciKmThisYear: km(1990) }));
    expect(r.eligibleCents).to.equal(720);
    expect(r.explanation).to.equal('10 km × 0,32 € + 10 km × 0,40 € = 7,20 €');
    expect(r.rule).to.equal('mileage_band_1_2');
  });

  it('when a trip crosses 10 000 km (6–7 CV, 9 990 + 30), then 10 km are at the second band and 20 km at the third', () => {
    const r = computeLine(car(km(30), 'cv_6_7'), context({ priorMileageDeciKmThisYear: km(9990) }));
    expect(r.explanation).to.equal('10 km × 0,51 € + 20 km × 0,30 € = 11,10 €');
    expect(r.eligibleCents).to.equal(1110);
    expect(r.rule).to.equal('mileage_band_2_3');
  });

  it('when exactly 10 000 km were already driven, then the next trip is at the third band (≥ 8 CV)', () => {
    const r = computeLine(car(km(100), 'cv_8_or_more'), context({ priorMileageDeciKmThisYear: km(10_000) }));
    expect(r.explanation).to.equal('100 km × 0,32 € = 32,00 €');
    expect(r.rule).to.equal('mileage_band_3');
  });

  it('when a single trip spans all three bands, then each band takes its share', () => {
    expect(splitAcrossBands(km(1000), km(10_000), [32, 40, 23])).to.deep.equal([
      { band: 1, deciKm: km(1000), centsPerKm: 32 },
      { band: 2, deciKm: km(8000), centsPerKm: 40 },
      { band: 3, deciKm: km(1000), centsPerKm: 23 },
    ]);
  });

  it('when a new calendar year starts (prior = 0 after 12 000 km last year), then the first band applies again', () => {
    const december = computeLine(
      { ...car(km(50)), travelDate: '2026-12-31' },
      context({ priorMileageDeciKmThisYear: km(12_000) }),
    );
    const january = computeLine(
      { ...car(km(50)), travelDate: '2027-01-01' },
      context({ priorMileageDeciKmThisYear: 0 }),
    );
    expect(december.eligibleCents).to.equal(1150);
    expect(january.eligibleCents).to.equal(1600);
    expect(january.rule).to.equal('mileage_band_1');
  });

  it('when a distance has a tenth of a km, then it is shown with a comma and a half cent rounds up', () => {
    const r = computeLine(car(425, 'cv_6_7'), context());
    expect(r.explanation).to.equal('42,5 km × 0,41 € = 17,43 €'); // 17,425 €
    expect(r.eligibleCents).to.equal(1743);
    expect(computeLine(car(5), context({ priorMileageDeciKmThisYear: km(10_001) })).eligibleCents).to.equal(12); // 11,5 cents
  });

  it('when a split trip is rounded, then it is rounded once for the line, not per band (20,5 + 25,5 = 46 cents)', () => {
    const r = computeLine(car(10, 'cv_6_7'), context({ priorMileageDeciKmThisYear: km(2000) - 5 }));
    expect(r.eligibleCents).to.equal(46);
    expect(r.explanation).to.equal('0,5 km × 0,41 € + 0,5 km × 0,51 € = 0,46 €');
  });

  it('when the project’s policy has other rates, then they apply', () => {
    const p = rateSet({ mileageCentsPerKm: { ...rateSet().mileageCentsPerKm, cv_5_or_less: [35, 40, 23] } });
    expect(computeLine(car(km(10)), context({ rates: p })).eligibleCents).to.equal(350);
  });

  it('when the vehicle is a motorbike over 125 cm³ or a moped, then the flat rate applies whatever the year’s kilometres', () => {
    const moto = computeLine(
      line({ kind: 'motorbike', distanceDeciKm: km(100) }),
      context({ priorMileageDeciKmThisYear: km(20_000) }),
    );
    expect(moto).to.deep.include({ eligibleCents: 1500, rule: 'motorbike_rate', category: 'mileage' });
    expect(moto.explanation).to.equal('Moto de plus de 125 cm³ : 100 km × 0,15 € = 15,00 €');
    const moped = computeLine(line({ kind: 'moped', distanceDeciKm: 5 }), context());
    expect(moped).to.deep.include({ eligibleCents: 6, rule: 'moped_rate' });
  });

  it('when a zero-length trip is entered, then it is worth nothing at the current band', () => {
    expect(computeLine(car(0), context()).explanation).to.equal('0 km × 0,32 € = 0,00 €');
  });

  for (const [input, field] of [
    [{ kind: 'mileage', distanceDeciKm: -10, fiscalPower: 'cv_6_7' }, 'distanceDeciKm'],
    [{ kind: 'mileage', distanceDeciKm: 10.5, fiscalPower: 'cv_6_7' }, 'distanceDeciKm'],
    [{ kind: 'mileage', fiscalPower: 'cv_6_7' }, 'distanceDeciKm'],
    [{ kind: 'mileage', distanceDeciKm: 10 }, 'fiscalPower'],
    [{ kind: 'moped' }, 'distanceDeciKm'],
  ] as const) {
    it(`when a mileage line has ${JSON.stringify(input)}, then it is refused naming ${field}`, () => {
      expect(() => computeLine(line(input), context()))
        .to.throw(LineInputError)
        .with.property('field', field);
    });
  }
});
