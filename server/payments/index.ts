// Payments — paying approved claims (docs/domain.md#payment-batch-lifecycle).
// Words: lot de paiement → payment batch; bordereau → slip; virement SEPA → SEPA file;
//   export comptable → accounting export; rejet bancaire → bank rejection; attestation → certificate.
// Shape: batches open → exported → paid (cancelled when open, voided when exported), one payment
//   per payee (pending → paid | rejected, with a snapshot of name and IBAN), the claims each pays.
// Owns: payment_batches, payments, batch_claims.
// Calls: audit, auth, grants, notifications, payees, privacy, settings; shared/.
export { participantPayments } from './presenter.js';
export { claimPaymentStatus, movePayments } from './repo.js';
export { batchEvidence, paymentReferenceText } from './evidence.js';
export { BATCH_MANAGERS, BATCH_READERS, CERTIFICATE_READERS } from './policy.js';
export { PAYMENT_STATUS_LABELS } from './schemas.js';
export { batchParticipantIdsSql } from './repo.js';
