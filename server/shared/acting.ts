import type { Actor, Role } from './authorize.js';
import type { Settings } from '../settings/index.js';

/**
 * Who acts: a staff member signed in (`user`), an API token acting for its creator (`token`),
 * a participant in their own space (`participant`), the platform itself (`system`: jobs,
 * command-line tools, the demo data), or nobody yet (`anonymous`: sign-in, password reset).
 */
export type ActorKind = 'user' | 'token' | 'participant' | 'system' | 'anonymous';

/** The one shape of "who acts" that use cases, policies and the audit log take. */
export interface ActingActor {
  kind: ActorKind;
  /** The staff account (a token's creator); null for the system, a participant and nobody. */
  userId: string | null;
  tokenId: string | null;
  participantId: string | null;
  /** The roles in force (a token's: the subset of its creator's roles it carries). */
  roles: readonly Role[];
  /** An auditor limited to some grants (the rules: grants/policy.ts). */
  auditorScoped: boolean;
}

/**
 * One per request (built by the HTTP layer, `mountRoutes`) or per job run (`systemActing`):
 * who acts, the request id the audit log ties events to, one clock reading for the whole
 * request, and the organisation's settings, read once.
 *
 * `settings()` reads them the first time it is asked and keeps them. The HTTP layer asks
 * before the handler of every state-changing route, every page and every route on the embedded
 * database, so that a use case inside a transaction never waits for a second connection (the
 * embedded database has one); an API read that opens a transaction and needs them asks first.
 */
export interface Acting {
  actor: ActingActor;
  requestId: string | null;
  now: Date;
  settings(): Promise<Settings>;
}

export type SettingsLoader = () => Promise<Settings>;

function memo(load: SettingsLoader): SettingsLoader {
  let kept: Promise<Settings> | null = null;
  return () => {
    kept ??= load().catch((e: unknown) => {
      kept = null;
      throw e;
    });
    return kept;
  };
}

const NOBODY: ActingActor = {
  kind: 'anonymous',
  userId: null,
  tokenId: null,
  participantId: null,
  roles: [],
  auditorScoped: false,
};

/** The acting actor of a request's resolved identity (session or token), or nobody. */
export function actingActorOf(actor: Actor | null): ActingActor {
  if (!actor) return NOBODY;
  return {
    kind: actor.via === 'token' ? 'token' : 'user',
    userId: actor.userId,
    tokenId: actor.tokenId,
    participantId: null,
    roles: actor.roles,
    auditorScoped: actor.auditorScoped,
  };
}

export function makeActing(input: {
  actor: ActingActor;
  requestId: string | null;
  now: Date;
  settings: SettingsLoader;
}): Acting {
  return { actor: input.actor, requestId: input.requestId, now: input.now, settings: memo(input.settings) };
}

const SYSTEM: ActingActor = { ...NOBODY, kind: 'system' };

/**
 * The platform acting on its own (a job run, a command-line tool, the demo data): audited with
 * no user, `runId` as the request id when there is one.
 */
export function systemActing(input: { now: Date; settings: SettingsLoader; runId?: string | null }): Acting {
  return makeActing({ actor: SYSTEM, requestId: input.runId ?? null, now: input.now, settings: input.settings });
}

/** The staff account acting, where only staff may act (the route's access says so); a bug otherwise. */
export function staffUserId(acting: Acting): string {
  if (!acting.actor.userId) throw new Error(`a ${acting.actor.kind} actor cannot do this: staff only`);
  return acting.actor.userId;
}

/**
 * A staff member acting outside a request (a job they started, a command-line tool, the demo
 * data): their id and roles, audited under `requestId` when there is one.
 */
export function staffActing(input: {
  userId: string;
  roles: readonly Role[];
  auditorScoped?: boolean;
  now: Date;
  settings: SettingsLoader;
  requestId?: string | null;
}): Acting {
  return makeActing({
    actor: { ...NOBODY, kind: 'user', userId: input.userId, roles: input.roles, auditorScoped: !!input.auditorScoped },
    requestId: input.requestId ?? null,
    now: input.now,
    settings: input.settings,
  });
}

/** The same `Acting` with its settings read now: before a transaction opens on the embedded database's one connection. */
export async function withSettingsRead(acting: Acting): Promise<Acting> {
  await acting.settings();
  return acting;
}
