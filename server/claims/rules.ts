import type { Role } from '../shared/authorize.js';
import { addMonths } from '../shared/dates.js';

/**
 * The last day a claim is on time: the session's local day plus `months` calendar months
 * (31 March + 1 month → 30 April). Late claims are flagged, never refused.
 */
export function claimDeadline(sessionDay: string, months: number): string {
  return addMonths(sessionDay, months);
}

export const hasRole = (roles: readonly Role[], allowed: readonly Role[]) => roles.some((r) => allowed.includes(r));
