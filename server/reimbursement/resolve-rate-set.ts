/**
 * Choosing the rate set in force on a travel day (pure): the organisation's latest version
 * effective on or before that day, with the project's latest override effective on or before
 * that day merged into it, and the project's allowance switch.
 */
import type { RateSet } from './types.js';
import type { Rates, RatesPatch } from './schemas.js';

export interface RateVersion {
  id: string;
  projectId: string | null;
  /** `YYYY-MM-DD`. */
  effectiveFrom: string;
  rates: RatesPatch;
  createdBy: string | null;
  createdAt: Date;
}

/** The project's allowance settings (columns of `projects`, not versioned). */
export interface ProjectAllowance {
  allowanceEnabled: boolean;
  allowanceHalfDayCents: number | null;
}

/** The version with the latest `effectiveFrom` on or before `travelDate`, or undefined. */
export function versionInForce<T extends { effectiveFrom: string }>(
  versions: readonly T[],
  travelDate: string,
): T | undefined {
  let best: T | undefined;
  for (const v of versions)
    if (v.effectiveFrom <= travelDate && (!best || v.effectiveFrom > best.effectiveFrom)) best = v;
  return best;
}

/** Merges an override into complete rates: the keys it gives replace, nested objects key by key. */
export function mergeRates(base: Rates, patch: RatesPatch): Rates {
  return {
    ...base,
    ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    mileageCentsPerKm: { ...base.mileageCentsPerKm, ...patch.mileageCentsPerKm },
    nightCapCents: { ...base.nightCapCents, ...patch.nightCapCents },
  } as Rates;
}

/**
 * The rate set for a line travelled on `travelDate`: null when the organisation had no rates
 * in force then. A project whose allowance is switched on gets its own half-day amount
 * (which wins over any version's); otherwise the versions' `allowanceHalfDayCents` applies.
 */
export function resolveRateSet(
  organisation: readonly RateVersion[],
  project: readonly RateVersion[],
  allowance: ProjectAllowance | null,
  travelDate: string,
): RateSet | null {
  const base = versionInForce(organisation, travelDate);
  if (!base) return null;
  const override = versionInForce(project, travelDate);
  const rates = mergeRates(base.rates as Rates, override?.rates ?? {});
  if (allowance?.allowanceEnabled && allowance.allowanceHalfDayCents !== null)
    rates.allowanceHalfDayCents = allowance.allowanceHalfDayCents;
  return {
    id: base.id,
    projectPolicyId: override?.id ?? null,
    effectiveFrom:
      override && override.effectiveFrom > base.effectiveFrom ? override.effectiveFrom : base.effectiveFrom,
    // The rates are checked by the `Rates` schema (whole cents) before they are stored.
    ...(rates as Omit<RateSet, 'id' | 'projectPolicyId' | 'effectiveFrom'>),
  };
}
