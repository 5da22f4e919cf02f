// Demo: a realistic French département (the Drôme) loaded into an empty database, on the first
// start of a fresh embedded folder or by `npm run demo`: staff accounts for every role (one
// password, DEMO_PASSWORD), then participants, consents, sessions, claims, payments, grants
// and privacy requests made through each capability's own use cases where there is one.
export { loadDemo, isEmptyForDemo, DEMO_PASSWORD, DEMO_USERS } from './load-demo.js';
