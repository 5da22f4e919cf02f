// Reimbursement — the rates and how a claim line is computed (docs/domain.md#reimbursement-rates).
// Words: barème → policy (rates); indemnités kilométriques → mileage; frais de garde → childcare;
//   indemnité de participation → allowance; plafond → cap.
// Shape: versioned policies, the organisation's and a project's, each from an effective date
//   (docs/domain.md#versioned-policies); computeLine, a pure function of a line and a policy.
// Owns: reimbursement_policies.
// Calls: audit, auth, settings; shared/.

export {
  computeLine,
  CATEGORY as LINE_CATEGORY,
  LineInputError,
  MAX_CHILDCARE_QUARTER_HOURS,
  RECEIPT_ALWAYS_REQUIRED,
} from './compute-line.js';
export { nightLocationOf } from './night-location.js';
export { rateSetFor } from './rate-set-for.js';
export { Rates, RatesPatch, defaultRates } from './schemas.js';
export type {
  FiscalPowerBand,
  LineComputation,
  LineContext,
  LineFlag,
  LineInput,
  LineKind,
  NightLocation,
  RateSet,
} from './types.js';
