export { payeeRoutes } from './routes.js';
export { payeePages } from './pages.js';
export { createPayee } from './create-payee.js';
export { maskIban, ownIbanHash } from './iban.js';
