import { roles } from '../shared/authorize.js';

/** Administration watches the outbox, retries messages and sends the test email. */
export const OUTBOX_ADMINS = roles('admin');
/** Who prints the letters the outbox holds for participants without email: administration and staff. */
export const LETTER_PRINTERS = roles('admin', 'staff');
