export { claimPaymentStatus, participantPayments } from './presenter.js';
export { movePayments } from './repo.js';
export { batchEvidence, paymentReferenceText } from './evidence.js';
export { BATCH_MANAGERS, BATCH_READERS, CERTIFICATE_READERS } from './policy.js';
export { PAYMENT_STATUS_LABELS } from './schemas.js';
export { batchParticipantIdsSql } from './repo.js';
