import { AppError } from './errors.js';

export const ROLES = ['admin', 'staff', 'project_lead', 'finance', 'dpo', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administration',
  staff: 'Agent administratif',
  project_lead: 'Chef de projet',
  finance: 'Service financier',
  dpo: 'Délégué à la protection des données',
  auditor: 'Auditeur / contrôleur',
};

/** Who is acting: a signed-in user (session) or an API token carrying a subset of its creator's roles. */
export interface Actor {
  userId: string;
  name: string;
  roles: Role[];
  via: 'session' | 'token';
  sessionId: string | null;
  tokenId: string | null;
  csrfToken: string | null;
}

/**
 * Who may call a route. Every route declares one: `public` routes need nobody,
 * `authenticated` any signed-in actor, otherwise one of the listed roles.
 */
export type Access = { public: true } | { authenticated: true } | { roles: readonly Role[] };

export const PUBLIC: Access = { public: true };
export const AUTHENTICATED: Access = { authenticated: true };
export const roles = (...list: Role[]): Access => ({ roles: list });

export function hasAnyRole(actor: Actor | null, list: readonly Role[]): boolean {
  return !!actor && actor.roles.some((r) => list.includes(r));
}

/** Throws 401 without an actor and 403 when the actor holds none of the roles the access needs. */
export function assertAccess(access: Access, actor: Actor | null): void {
  if ('public' in access) return;
  if (!actor) throw new AppError('unauthenticated');
  if ('authenticated' in access) return;
  if (!hasAnyRole(actor, access.roles)) throw new AppError('forbidden');
}

export function describeAccess(access: Access): string {
  if ('public' in access) return 'public';
  if ('authenticated' in access) return 'any signed-in user';
  return access.roles.join(', ');
}
