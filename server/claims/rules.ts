import type { Actor, Role } from '../shared/authorize.js';

/**
 * The last day a claim is on time: the session's local day plus `months` calendar months
 * (31 March + 1 month → 30 April). Late claims are flagged, never refused.
 */
export function claimDeadline(sessionDay: string, months: number): string {
  const [y, m, d] = sessionDay.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** Finance decides any claim; a project lead decides the claims of the projects they lead. */
export function mayDecide(actor: Pick<Actor, 'userId' | 'roles'>, projectLeadId: string | null): boolean {
  return actor.roles.includes('finance') || (actor.roles.includes('project_lead') && projectLeadId === actor.userId);
}

export const hasRole = (roles: readonly Role[], allowed: readonly Role[]) => roles.some((r) => allowed.includes(r));
