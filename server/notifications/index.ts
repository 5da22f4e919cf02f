// Notifications — e-mails and letters (docs/domain.md#outbox-message).
// Words: courriel → e-mail; courrier → letter; message → outbox message; usage → message use.
// Shape: outbox messages written in the transaction that causes them: pending → sending →
//   delivered | failed, letters pending → printed, withheld when no consent allows them
//   (docs/domain.md#messages-and-their-legal-basis).
// Owns: outbox_messages.
// Calls: audit, auth, consents, privacy, settings; shared/.

export { enqueueMessage, messageIdFor, type EnqueueInput, type EnqueueResult, type OutboxRecipient } from './outbox.js';
export { createMailer, type SendEmail, type OutgoingEmail } from './mailer.js';
export { deliverDueEmails, drainDueEmails, retryMessage, backoffSeconds, MAX_ATTEMPTS } from './worker.js';
export { letterBundle } from './letters.js';
export { moveMessages } from './repo.js';
export { participantMessages, MESSAGE_STATUS_LABELS, type ParticipantMessage } from './participant-messages.js';
