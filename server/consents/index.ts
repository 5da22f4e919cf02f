export { consentRoutes } from './routes.js';
export { consentPages } from './pages.js';
export { purposePages } from './purpose-pages.js';
export { liveConsentPurposes } from './live.js';
export { moveConsents } from './merge.js';
export { recordConsent } from './record-consent.js';
export { withdrawConsent } from './withdraw-consent.js';
export { mayContact, contactableParticipants, type ContactPermission } from './may-contact.js';
