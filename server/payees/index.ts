export { createPayee } from './create-payee.js';
export { maskIban, ownIbanHash } from './iban.js';
