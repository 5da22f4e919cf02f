import { expect } from 'chai';
import { resolveRateSet, versionInForce, type RateVersion } from '../../server/reimbursement/resolve-rate-set.js';
import { defaultRates, type RatesPatch } from '../../server/reimbursement/schemas.js';
import { computeLine } from '../../server/reimbursement/compute-line.js';
import { context, line } from './helpers.js';

const version = (
  id: string,
  effectiveFrom: string,
  rates: RatesPatch,
  projectId: string | null = null,
): RateVersion => ({
  id,
  projectId,
  effectiveFrom,
  rates,
  createdBy: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
});

const v1 = version('org-1', '2022-03-14', defaultRates());
const v2 = version('org-2', '2026-06-02', { ...defaultRates(), mealFlatCents: 2200 });
const organisation = [v2, v1];

describe('reimbursement policy selection (pure)', () => {
  it('when the policy changes the day after the travel date, then the line keeps the old rates; on the day, the new ones', () => {
    const before = resolveRateSet(organisation, [], null, '2026-06-01')!;
    const on = resolveRateSet(organisation, [], null, '2026-06-02')!;
    expect(before).to.deep.include({ id: 'org-1', effectiveFrom: '2022-03-14', mealFlatCents: 2000 });
    expect(on).to.deep.include({ id: 'org-2', effectiveFrom: '2026-06-02', mealFlatCents: 2200 });
    const meal = line({ kind: 'meal', travelDate: '2026-06-01', hasReceipt: false });
    expect(
      computeLine(
        meal,
        context({
          rates: before,
          departure: new Date('2026-06-01T09:00:00Z'),
          return: new Date('2026-06-01T13:00:00Z'),
        }),
      ).eligibleCents,
    ).to.equal(2000);
  });

  it('when the travel date is before the first version, then no policy is in force', () => {
    expect(resolveRateSet(organisation, [], null, '2022-03-13')).to.equal(null);
    expect(versionInForce(organisation, '2022-03-14')).to.equal(v1);
  });

  it('when a project overrides some fields, then only those change, nested caps key by key, from the override’s date', () => {
    const override = version('proj-1', '2026-01-01', { mealFlatCents: 2500, nightCapCents: { standard: 10_000 } }, 'p');
    const before = resolveRateSet(organisation, [override], null, '2025-12-31')!;
    expect(before).to.deep.include({ mealFlatCents: 2000, projectPolicyId: null });
    const p = resolveRateSet(organisation, [override], null, '2026-03-01')!;
    expect(p.mealFlatCents).to.equal(2500);
    expect(p.nightCapCents).to.deep.equal({ standard: 10_000, big_city: 12_000, paris: 14_000 });
    expect(p.mileageCentsPerKm).to.deep.equal(defaultRates().mileageCentsPerKm);
    expect(p).to.deep.include({ id: 'org-1', projectPolicyId: 'proj-1', effectiveFrom: '2026-01-01' });
  });

  it('when the organisation changes after a project override, then both apply and the later date is the effective one', () => {
    const override = version('proj-1', '2026-01-01', { childcareHourlyCapCents: 2000 }, 'p');
    const p = resolveRateSet(organisation, [override], null, '2026-07-01')!;
    expect(p).to.deep.include({
      id: 'org-2',
      projectPolicyId: 'proj-1',
      effectiveFrom: '2026-06-02',
      mealFlatCents: 2200,
      childcareHourlyCapCents: 2000,
    });
  });

  it('when a project switches its allowance on, then its half-day amount applies; off, the policies decide (null by default)', () => {
    expect(
      resolveRateSet(organisation, [], { allowanceEnabled: true, allowanceHalfDayCents: 4302 }, '2026-07-01')!
        .allowanceHalfDayCents,
    ).to.equal(4302);
    expect(
      resolveRateSet(organisation, [], { allowanceEnabled: false, allowanceHalfDayCents: 4302 }, '2026-07-01')!
        .allowanceHalfDayCents,
    ).to.equal(null);
    const override = version('proj-1', '2026-01-01', { allowanceHalfDayCents: 3000 }, 'p');
    expect(
      resolveRateSet(organisation, [override], { allowanceEnabled: false, allowanceHalfDayCents: null }, '2026-07-01')!
        .allowanceHalfDayCents,
    ).to.equal(3000);
  });
});
