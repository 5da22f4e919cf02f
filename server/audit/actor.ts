import type { RequestContext } from '../shared/http.js';
import type { AuditActor } from './record.js';

/** The audit actor of a request: user, token and request ids. */
export function auditActorOf(ctx: RequestContext): AuditActor {
  return { userId: ctx.actor?.userId ?? null, tokenId: ctx.actor?.tokenId ?? null, requestId: ctx.requestId };
}
