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
  /**
   * An auditor limited to some grants (auditor_scopes rows). The auditor role then opens only
   * the routes marked `scopedAuditors` (grants, expenses, funder documents), whose handlers
   * apply the scope (the rules: server/grants/policy.ts); the user's other roles open what they open anyway.
   */
  auditorScoped: boolean;
  /**
   * The account's password was set by an administrator (or must be changed): until it is,
   * only the password change and sign-out are open (enforced in auth/sessions.ts `resolveActor`).
   */
  mustChangePassword: boolean;
}

/** What a role rule looks at: the roles in force and whether the auditor role is limited to some grants (an `Actor`, or `Acting.actor`). */
export interface HasRoles {
  roles: readonly Role[];
  auditorScoped: boolean;
}

/**
 * Who may call a route. Every route declares one: `public` routes need nobody,
 * `authenticated` any signed-in actor, otherwise one of the listed roles. `scopedAuditors`:
 * an auditor limited to some grants may call it too (its handler applies the scope); without
 * it the auditor role of such an auditor does not open the route.
 */
export type Access = { public: true } | { authenticated: true } | { roles: readonly Role[]; scopedAuditors?: true };

export const PUBLIC: Access = { public: true };
export const AUTHENTICATED: Access = { authenticated: true };
export const roles = (...list: Role[]): Access => ({ roles: list });
/** The same roles, and auditors limited to some grants: the handler applies their scope. */
export const withScopedAuditors = (access: Access): Access =>
  'roles' in access ? { roles: access.roles, scopedAuditors: true } : access;

/** Whether these roles open something to the actor (the auditor role of a scoped auditor only where scoped auditors are let in). */
export function rolesOpen(actor: HasRoles, list: readonly Role[], scopedAuditors: boolean): boolean {
  return actor.roles.some((r) => list.includes(r) && (r !== 'auditor' || !actor.auditorScoped || scopedAuditors));
}

/** Whether the pages tell the actor their view is limited to some grants: a scoped auditor with no other role. */
export function limitedToGrants(actor: HasRoles | null | undefined): boolean {
  return !!actor?.auditorScoped && actor.roles.every((r) => r === 'auditor');
}

/** The roles a role set lists (none for public or any-signed-in access): pages show a button to the roles of the route behind it. */
export function rolesOf(access: Access): readonly Role[] {
  return 'roles' in access ? access.roles : [];
}

export function hasAnyRole(actor: Pick<HasRoles, 'roles'> | null, list: readonly Role[]): boolean {
  return !!actor && actor.roles.some((r) => list.includes(r));
}

/** Throws 401 without an actor and 403 when the actor holds none of the roles the access needs. */
export function assertAccess(access: Access, actor: Actor | null): void {
  if ('public' in access) return;
  if (!actor) throw new AppError('unauthenticated');
  if ('authenticated' in access) return;
  if (!hasAnyRole(actor, access.roles)) throw new AppError('forbidden');
  if (!rolesOpen(actor, access.roles, !!access.scopedAuditors)) throw new AppError('auditor_out_of_scope');
}

export function describeAccess(access: Access): string {
  if ('public' in access) return 'public';
  if ('authenticated' in access) return 'any signed-in user';
  return `${access.roles.join(', ')}${access.scopedAuditors ? ' (auditors limited to some grants: within their scope)' : ''}`;
}
