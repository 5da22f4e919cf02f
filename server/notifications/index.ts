export { enqueueMessage, messageIdFor, type EnqueueInput, type EnqueueResult, type OutboxRecipient } from './outbox.js';
export { createMailer, type SendEmail, type OutgoingEmail } from './mailer.js';
export { deliverDueEmails, drainDueEmails, retryMessage, backoffSeconds, MAX_ATTEMPTS } from './worker.js';
export { letterBundle } from './letters.js';
export { moveMessages } from './repo.js';
export { participantMessages, MESSAGE_STATUS_LABELS, type ParticipantMessage } from './participant-messages.js';
