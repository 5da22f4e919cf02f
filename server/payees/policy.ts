import { hasAnyRole, roles, type HasRoles, type Role } from '../shared/authorize.js';

const WRITER_ROLES: Role[] = ['staff'];
const REVEALER_ROLES: Role[] = ['finance', 'admin'];

/** Bank data: staff enter it; finance, the DPO and admins read it masked; the auditor does not see it. */
export const PAYEE_READERS = roles('staff', 'finance', 'dpo', 'admin');
export const PAYEE_WRITERS = roles(...WRITER_ROLES);
/** Only finance and admins may see a full IBAN, and each time is audited. */
export const IBAN_REVEALERS = roles(...REVEALER_ROLES);

export const canWritePayees = (actor: Pick<HasRoles, 'roles'> | null) => hasAnyRole(actor, WRITER_ROLES);
export const canRevealIban = (actor: Pick<HasRoles, 'roles'> | null) => hasAnyRole(actor, REVEALER_ROLES);
