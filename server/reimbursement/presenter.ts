import type { Static } from '@sinclair/typebox';
import type { RateSet } from './types.js';
import type { RateVersion } from './resolve-rate-set.js';
import type { RateVersionView } from './schemas.js';

/** A version as the API shows it. */
export function presentVersion(v: RateVersion): Static<typeof RateVersionView> {
  return {
    id: v.id,
    projectId: v.projectId,
    effectiveFrom: v.effectiveFrom,
    rates: v.rates,
    createdBy: v.createdBy,
    createdAt: v.createdAt.toISOString(),
  };
}

/** The merged rate set in force on a day. */
export function presentRateSet(p: RateSet) {
  return { ...p, projectPolicyId: p.projectPolicyId ?? null };
}
