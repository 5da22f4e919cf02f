import { roles } from '../shared/authorize.js';

/** Finance builds, exports, pays, cancels and voids batches, and alone downloads the files (names and IBANs). */
export const BATCH_MANAGERS = roles('finance');
/** Who may see batches and their payments (no IBAN): finance and auditors. */
export const BATCH_READERS = roles('finance', 'auditor');
/** Payment certificates are handed to people by staff or finance. */
export const CERTIFICATE_READERS = roles('staff', 'finance');
