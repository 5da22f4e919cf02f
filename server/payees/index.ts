export { payeeRoutes } from './routes.js';
export { payeePages } from './pages.js';
export { movePayees } from './merge.js';
export { createPayee } from './create-payee.js';
export { maskIban, ownIbanHash } from './iban.js';
