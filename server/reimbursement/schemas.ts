import { Type, type Static } from '@sinclair/typebox';
import { CentsUpTo, obj, Nullable, Uuid } from '../shared/schema.js';

/** A rate in cents per km (0,32 €/km = 32). */
const CentsPerKm = Type.Integer({ minimum: 0, maximum: 1000, description: 'cents per km' });
const Amount = CentsUpTo(10_000_00, 'integer cents');
/** Rates for the bands ≤ 2 000 km, 2 001–10 000 km, > 10 000 km. */
const BandRates = Type.Tuple([CentsPerKm, CentsPerKm, CentsPerKm]);

const mileageProps = { cv_5_or_less: BandRates, cv_6_7: BandRates, cv_8_or_more: BandRates };
const nightProps = { standard: Amount, big_city: Amount, paris: Amount };

/**
 * The rates of a complete rate set (the `rates` column of `reimbursement_policies`, and the
 * organisation's versions): docs/domain.md#reimbursement-rates. One schema validates, types and documents them.
 */
export const Rates = obj({
  mileageCentsPerKm: obj(mileageProps),
  motorbikeCentsPerKm: CentsPerKm,
  mopedCentsPerKm: CentsPerKm,
  mealFlatCents: Amount,
  nightCapCents: obj(nightProps),
  nightReducedMobilityCapCents: Amount,
  childcareHourlyCapCents: Amount,
  receiptThresholdCents: Amount,
  allowanceHalfDayCents: Nullable(Amount),
});
export type Rates = Static<typeof Rates>;

/** A project's override: any subset of the fields; nested objects may give some keys only. */
export const RatesPatch = Type.Partial(
  obj({
    ...Rates.properties,
    mileageCentsPerKm: Type.Partial(obj(mileageProps), { additionalProperties: false, minProperties: 1 }),
    nightCapCents: Type.Partial(obj(nightProps), { additionalProperties: false, minProperties: 1 }),
  }),
  { additionalProperties: false, minProperties: 1 },
);
export type RatesPatch = Static<typeof RatesPatch>;

export const RateVersionCreateBody = obj({
  projectId: Type.Optional(Nullable(Uuid)),
  effectiveFrom: Type.String({ format: 'date', description: 'First travel day the rates apply to' }),
  /** Complete for the organisation, partial for a project: checked by the use case. */
  rates: RatesPatch,
});
export type RateVersionCreateBody = Static<typeof RateVersionCreateBody>;

export const RateVersionListQuery = obj({ projectId: Type.Optional(Uuid) });
export const RateSetInForceQuery = obj({ projectId: Type.Optional(Uuid), date: Type.String({ format: 'date' }) });

export const RateVersionView = obj({
  id: Uuid,
  projectId: Nullable(Uuid),
  effectiveFrom: Type.String({ format: 'date' }),
  rates: RatesPatch,
  createdBy: Nullable(Uuid),
  createdAt: Type.String({ format: 'date-time' }),
});
export const RateVersionList = obj({ items: Type.Array(RateVersionView) });
export const RateVersionCreated = obj({
  version: RateVersionView,
  warnings: Type.Array(obj({ code: Type.String(), message: Type.String() })),
});
export const RateSetInForce = obj({
  id: Uuid,
  projectPolicyId: Nullable(Uuid),
  effectiveFrom: Type.String({ format: 'date' }),
  ...Rates.properties,
});

/** The organisation's first rates: arrêtés of 14 March 2022 (mileage) and 20 September 2023 (meals). */
export const DEFAULT_RATES_EFFECTIVE_FROM = '2022-03-14';
export function defaultRates(): Rates {
  return {
    mileageCentsPerKm: { cv_5_or_less: [32, 40, 23], cv_6_7: [41, 51, 30], cv_8_or_more: [45, 55, 32] },
    motorbikeCentsPerKm: 15,
    mopedCentsPerKm: 12,
    mealFlatCents: 2000,
    nightCapCents: { standard: 9000, big_city: 12000, paris: 14000 },
    nightReducedMobilityCapCents: 15000,
    childcareHourlyCapCents: 1800,
    receiptThresholdCents: 1500,
    allowanceHalfDayCents: null,
  };
}
