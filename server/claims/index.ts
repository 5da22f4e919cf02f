export { yearlyTotals } from './presenter.js';
export { CLAIM_READERS } from './policy.js';
export { CLAIM_STATUS_LABELS, LINE_KIND_LABELS, REASON_LABELS } from './schemas.js';
export { moveClaims } from './merge.js';
export { liveClaimsOfSession } from './live-claims.js';
export { cancelClaimsOnErasure, ERASURE_CANCEL_REASON } from './cancel-on-erasure.js';
