export { liveConsentPurposes } from './live.js';
export { recordConsent } from './record-consent.js';
export { withdrawConsent } from './withdraw-consent.js';
export { mayContact, contactableParticipants, type ContactPermission } from './may-contact.js';
