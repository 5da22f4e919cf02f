export { computeLine, LineInputError, MAX_CHILDCARE_QUARTER_HOURS, RECEIPT_ALWAYS_REQUIRED } from './compute-line.js';
export { nightLocationOf } from './night-location.js';
export { rateSetFor } from './rate-set-for.js';
export { rateRoutes } from './routes.js';
export { ratePages } from './pages.js';
export { Rates, RatesPatch, defaultRates } from './schemas.js';
export type { FiscalPowerBand, LineComputation, LineContext, LineFlag, LineInput, LineKind, NightLocation, RateSet } from './types.js';
