import type { Deps } from '../shared/deps.js';
import { claimPages as browsePages } from './pages.js';
import { entryPages } from './entry-pages.js';
import { detailPages } from './detail-pages.js';

export { claimRoutes } from './routes.js';
export { yearlyTotals } from './presenter.js';
export { CLAIM_READERS } from './policy.js';
export { CLAIM_STATUS_LABELS } from './schemas.js';
export { moveClaims } from './merge.js';
export { CLAIM_TRANSITIONS, lockClaimsInIdOrder, markInBatch, markPaid, releaseFromBatch } from './lifecycle.js';
export { liveClaimsOfSession } from './live-claims.js';
export { cancelClaimsOnErasure, ERASURE_CANCEL_REASON } from './cancel-on-erasure.js';

/** The claim pages: fixed paths (`/claims/new`, `/claims/advances`) before `/claims/:id`. */
export function claimPages(deps: Deps) {
  return [...entryPages(deps), ...browsePages(deps), ...detailPages(deps)];
}
