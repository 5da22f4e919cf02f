// Consents — a person's agreement per purpose (docs/domain.md#consent).
// Words: consentement → consent; finalité → purpose; retrait → withdrawal; preuve → evidence.
// Shape: consent purposes (legal basis, text version, validity) and consents: live, expired,
//   withdrawn or superseded; a withdrawal acts at once (docs/domain.md#erasure-and-withdrawal);
//   the one gate for consent-based messages (docs/domain.md#messages-and-their-legal-basis).
// Owns: consents, consent_purposes.
// Calls: audit, auth, privacy, settings; shared/.
export { liveConsentPurposes } from './live.js';
export { moveConsents } from './repo.js';
export { recordConsent } from './record-consent.js';
export { withdrawConsent } from './withdraw-consent.js';
export { mayContact, contactableParticipants, type ContactPermission } from './may-contact.js';
