/**
 * Splitting an expense across the grants that fund its project (pure functions, no I/O).
 *
 * Each grant takes `shareBp / 10000` of the amount; the organisation's own budget takes the
 * rest. Exact shares are rarely whole cents: every party first gets the floor of its exact
 * share, then the cents left over go one by one to the largest remainders (ties: the own
 * budget last, then the order given). The parts always sum exactly to the amount.
 */
import { splitByBasisPoints } from '../shared/money.js';

export interface ShareInput<K> {
  key: K;
  shareBp: number;
}

export interface Allocation<K> {
  /** One entry per share given, in the same order (possibly 0 cents). */
  shares: { key: K; amountCents: number }[];
  /** What no grant takes: 10000 minus the shares, in cents. */
  ownCents: number;
}

/**
 * Largest-remainder split of `amountCents` by basis-point shares (sum ≤ 10000). Never loses or
 * creates a cent; each party gets the floor or the ceiling of its exact share.
 */
export function allocate<K>(amountCents: number, shares: ShareInput<K>[]): Allocation<K> {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0)
    throw new RangeError('amountCents must be a non-negative integer');
  const total = shares.reduce((s, x) => s + x.shareBp, 0);
  if (shares.some((x) => !Number.isInteger(x.shareBp) || x.shareBp < 0) || total > 10000)
    throw new RangeError('shares must be non-negative integers summing to at most 10000');
  const parties = [...shares.map((s) => s.shareBp), 10000 - total];
  // The own budget (last party) comes after the grants on equal remainders.
  const floors = splitByBasisPoints(amountCents, parties);
  return {
    shares: shares.map((s, i) => ({ key: s.key, amountCents: floors[i] })),
    ownCents: floors[floors.length - 1],
  };
}

export interface FundingGrant {
  grantId: string;
  reference: string;
  shareBp: number;
  /** The budget line for the expense's category and year, if the grant has one. */
  budgetLineId: string | null;
}

export interface PlannedPart {
  grantId: string | null;
  budgetLineId: string | null;
  amountCents: number;
}

export interface SplitWarning {
  code: 'no_budget_line';
  grantId: string;
  message: string;
}

/**
 * The parts of an expense: one per funding grant with a budget line (non-zero), plus the
 * own-budget part, which also takes the share of a grant without a budget line for the
 * category and year (with a `no_budget_line` warning). Parts sum to `amountCents`.
 */
export function splitExpense(
  amountCents: number,
  grants: FundingGrant[],
  label: { category: string; year: number },
): { parts: PlannedPart[]; warnings: SplitWarning[] } {
  const { shares, ownCents } = allocate(
    amountCents,
    grants.map((g) => ({ key: g, shareBp: g.shareBp })),
  );
  const parts: PlannedPart[] = [];
  const warnings: SplitWarning[] = [];
  let own = ownCents;
  for (const { key: g, amountCents: cents } of shares) {
    if (!g.budgetLineId) {
      own += cents;
      warnings.push({
        code: 'no_budget_line',
        grantId: g.grantId,
        message: `Le financement ${g.reference} n’a pas de ligne budgétaire « ${label.category} » ${label.year} : sa part reste sur le budget propre.`,
      });
    } else if (cents > 0) parts.push({ grantId: g.grantId, budgetLineId: g.budgetLineId, amountCents: cents });
  }
  if (own > 0 || parts.length === 0) parts.push({ grantId: null, budgetLineId: null, amountCents: own });
  return { parts, warnings };
}
