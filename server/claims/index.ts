// Claims — reimbursement requests (docs/domain.md#claim, docs/domain.md#claim-lifecycle).
// Words: demande de remboursement, état de frais → claim; ligne → claim line; justificatif → receipt;
//   avance → advance; régularisation → settlement; dérogation → override.
// Shape: a claim draft → submitted → approved | partially_approved | rejected → in_batch → paid
//   (cancelled before batching), its lines (asked, computed, granted, rule or reason), the sessions
//   it covers, its receipts, and who had a hand in it (separation of duties).
// Owns: claims, claim_sessions, claim_hands, claim_receipts, claim_lines.
// Calls: audit, auth, grants, notifications, payments, privacy, reimbursement, settings; shared/.
export { yearlyTotals } from './presenter.js';
export { CLAIM_READERS } from './policy.js';
export { CLAIM_STATUS_LABELS, LINE_KIND_LABELS, REASON_LABELS } from './schemas.js';
export { moveClaims } from './repo.js';
export { lockClaimsInIdOrder } from './lifecycle-repo.js';
export { CLAIM_TRANSITIONS, markInBatch, markPaid, paymentRejected, releaseFromBatch } from './lifecycle.js';
export { liveClaimsOfSession } from './live-claims-repo.js';
export { cancelClaimsOnErasure, ERASURE_CANCEL_REASON } from './cancel-on-erasure.js';
