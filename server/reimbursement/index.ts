export { computeLine, LineInputError, MAX_CHILDCARE_QUARTER_HOURS, RECEIPT_ALWAYS_REQUIRED } from './compute-line.js';
export { nightLocationOf } from './night-location.js';
export { policyFor } from './policy-for.js';
export { PolicyRates, PolicyRatesPatch, defaultPolicyRates } from './schemas.js';
export type { FiscalPowerBand, LineComputation, LineContext, LineFlag, LineInput, LineKind, NightLocation, Policy } from './types.js';
