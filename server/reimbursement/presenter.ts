import type { Static } from '@sinclair/typebox';
import type { Policy } from './types.js';
import type { PolicyVersion } from './resolve-policy.js';
import type { PolicyVersionView } from './schemas.js';

/** A version as the API shows it. */
export function presentVersion(v: PolicyVersion): Static<typeof PolicyVersionView> {
  return { id: v.id, projectId: v.projectId, effectiveFrom: v.effectiveFrom, rates: v.rates, createdBy: v.createdBy, createdAt: v.createdAt.toISOString() };
}

/** The merged policy in force on a day. */
export function presentPolicy(p: Policy) {
  return { ...p, projectPolicyId: p.projectPolicyId ?? null };
}
