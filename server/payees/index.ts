// Payees — who receives the money of a claim (docs/domain.md#payee).
// Words: bénéficiaire → payee; IBAN/BIC → bank details.
// Shape: payees (the participant, a representative, a childcare provider or a partner) with
//   IBAN/BIC encrypted at rest, shown masked, and a keyed hash to spot one IBAN shared by several.
// Owns: payees.
// Calls: audit, auth, settings; shared/.

export { movePayees } from './merge.js';
export { createPayee } from './create-payee.js';
export { maskIban, ownIbanHash } from './iban.js';
