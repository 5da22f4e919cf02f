/**
 * The contract between the reimbursement rules (pure functions, server/reimbursement/) and
 * the claims capability (server/claims/), which stores lines and calls `computeLine`.
 * Money is integer cents; distances are in tenths of a kilometre (42,5 km = 425).
 */
import type { Cents } from '../shared/money.js';

export type FiscalPowerBand = 'cv_5_or_less' | 'cv_6_7' | 'cv_8_or_more';
export type LineKind =
  'public_transport' | 'mileage' | 'motorbike' | 'moped' | 'taxi' | 'childcare' | 'meal' | 'night' | 'allowance';

/** Where a night was spent, for the cap (docs/domain.md#nights). */
export type NightLocation = 'standard' | 'big_city' | 'paris';

/** The reimbursement rates in force on a day (the versioned "policies" of the API, table `reimbursement_policies`): rates in force from `effectiveFrom` (a calendar day). */
export interface RateSet {
  /** The organisation's rate version in force (a `reimbursement_policies` row id). */
  id: string;
  /** The later of the organisation's and the project's version dates. */
  effectiveFrom: string;
  /** The project's override version merged into it, if any (traceability). */
  projectPolicyId?: string | null;
  /** Mileage rates in cents per km, by fiscal power, for the bands ≤ 2 000 km, 2 001–10 000 km, > 10 000 km. */
  mileageCentsPerKm: Record<FiscalPowerBand, [number, number, number]>;
  motorbikeCentsPerKm: number;
  mopedCentsPerKm: number;
  mealFlatCents: Cents;
  nightCapCents: Record<NightLocation, Cents>;
  nightReducedMobilityCapCents: Cents;
  childcareHourlyCapCents: Cents;
  /** Receipts are required above this amount (and always for tickets, childcare, nights, taxis). */
  receiptThresholdCents: Cents;
  /** Null when the allowance is off (the default); a project may turn it on with its own amount. */
  allowanceHalfDayCents: Cents | null;
}

/** What a person asks for on one line; which fields matter depends on the kind. */
export interface LineInput {
  kind: LineKind;
  /** The travel day (default: the session's day), `YYYY-MM-DD`. */
  travelDate: string;
  /** Actual cost on the receipt (public transport, taxi, childcare, night). */
  amountCents?: Cents;
  /** Distance in tenths of a km (mileage, motorbike, moped). */
  distanceDeciKm?: number;
  fiscalPower?: FiscalPowerBand;
  /** Childcare hours in quarter-hours (2 h 30 = 10). */
  childcareQuarterHours?: number;
  nightLocation?: NightLocation;
  /** The person has reduced mobility (cap rule only: never a diagnosis). */
  reducedMobility?: boolean;
  lodgedFree?: boolean;
  /** Line for the accompanying person of the participant. */
  forCompanion?: boolean;
  hasReceipt?: boolean;
}

/** What the line needs to know about the rest of the world. */
export interface LineContext {
  rates: RateSet;
  timeZone: string;
  /** Departure and return (default: the session's start and end). */
  departure: Date;
  return: Date;
  mealProvided: boolean;
  /**
   * Kilometres (in tenths) of the person's earlier non-rejected mileage lines in the same
   * calendar year (earlier travel date; ties by creation order), frozen at decision.
   */
  priorMileageDeciKmThisYear: number;
}

export type LineFlag = 'missing_receipt' | 'over_cap' | 'taxi' | 'not_eligible';

export interface LineComputation {
  eligibleCents: Cents;
  /** Human explanation in French, e.g. `42 km × 0,32 € = 13,44 €`. */
  explanation: string;
  /** The rule applied, as a code (`mileage_band_1`, `cap_reduced_mobility`, `meal_windows_2`…). */
  rule: string;
  flags: LineFlag[];
  /** Cost category of the line (`mileage`, `transport`, `childcare`, `meals`, `nights`, `allowances`). */
  category: 'transport' | 'mileage' | 'childcare' | 'meals' | 'nights' | 'allowances';
}
