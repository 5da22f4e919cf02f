/**
 * The eligible amount of one claim line under a rate set (docs/domain.md#reimbursement-rates). Pure: no clock, no
 * database. Integer arithmetic only: cents, tenths of a km, quarter-hours; one rounding per
 * line, half up.
 */
import { cents, formatCents, roundHalfUp, timesCount, type Cents } from '../shared/money.js';
import { countHalfDays } from '../shared/halfdays.js';
import type { LineComputation, LineContext, LineFlag, LineInput, LineKind, NightLocation } from './types.js';
import { amountOfParts, explainParts, formatKm, mileageRule, splitAcrossBands } from './mileage.js';
import { countWindows, MEAL_WINDOWS, NIGHT_WINDOW } from './windows.js';

/** The longest childcare a line may hold: one day (25 hours in a day is a typing error). */
export const MAX_CHILDCARE_QUARTER_HOURS = 96;
/** Kinds whose receipt is always required (transport tickets, taxis, childcare, nights). */
export const RECEIPT_ALWAYS_REQUIRED: readonly LineKind[] = ['public_transport', 'taxi', 'childcare', 'night'];

/** A line that lacks what its kind needs, or holds an impossible value; `field` names the LineInput field. */
export class LineInputError extends Error {
  constructor(
    readonly field: keyof LineInput | 'return',
    message: string,
  ) {
    super(message);
  }
}

type Category = LineComputation['category'];
/** The cost category of each kind of line (the budget's categories). */
export const CATEGORY: Record<LineKind, Category> = {
  public_transport: 'transport',
  taxi: 'transport',
  mileage: 'mileage',
  motorbike: 'mileage',
  moped: 'mileage',
  childcare: 'childcare',
  meal: 'meals',
  night: 'nights',
  allowance: 'allowances',
};

const NIGHT_LOCATION_LABELS: Record<NightLocation, string> = {
  standard: 'plafond général',
  big_city: 'plafond grande ville ou Grand Paris',
  paris: 'plafond Paris',
};

interface Outcome {
  eligibleCents: Cents;
  explanation: string;
  rule: string;
  flags: LineFlag[];
  /** The kind took an actual cost that needs a receipt. */
  receiptRequired: boolean;
}

function amountOf(input: LineInput): Cents {
  const a = input.amountCents;
  if (a === undefined || a === null)
    throw new LineInputError('amountCents', 'montant obligatoire pour ce type de frais');
  if (!Number.isSafeInteger(a) || a < 0)
    throw new LineInputError('amountCents', 'doit être un montant positif en centimes entiers');
  return a;
}

function distanceOf(input: LineInput): number {
  const d = input.distanceDeciKm;
  if (d === undefined || d === null)
    throw new LineInputError('distanceDeciKm', 'distance obligatoire pour ce type de frais');
  if (!Number.isSafeInteger(d) || d < 0)
    throw new LineInputError('distanceDeciKm', 'doit être une distance positive en dixièmes de km');
  return d;
}

function checkTimes(context: LineContext): void {
  if (context.return.getTime() < context.departure.getTime())
    throw new LineInputError('return', 'le retour doit suivre le départ');
}

/** `2 h 30`, `3 h`, `0 h 15`. */
export function formatQuarterHours(quarterHours: number): string {
  const h = Math.floor(quarterHours / 4);
  const m = (quarterHours % 4) * 15;
  return m ? `${h} h ${String(m).padStart(2, '0')}` : `${h} h`;
}

function mileage(input: LineInput, context: LineContext): Outcome {
  const distance = distanceOf(input);
  if (!input.fiscalPower)
    throw new LineInputError('fiscalPower', 'puissance fiscale obligatoire pour les indemnités kilométriques');
  const prior = context.priorMileageDeciKmThisYear;
  if (!Number.isSafeInteger(prior) || prior < 0)
    throw new RangeError('priorMileageDeciKmThisYear must be a non-negative integer');
  const parts = splitAcrossBands(prior, distance, context.rates.mileageCentsPerKm[input.fiscalPower]);
  const total = amountOfParts(parts);
  return {
    eligibleCents: total,
    explanation: explainParts(parts, total),
    rule: mileageRule(parts),
    flags: [],
    receiptRequired: false,
  };
}

function flatPerKm(input: LineInput, centsPerKm: number, rule: string, label: string): Outcome {
  const distance = distanceOf(input);
  const total = roundHalfUp(BigInt(distance) * BigInt(centsPerKm), 10n);
  return {
    eligibleCents: total,
    explanation: `${label} : ${formatKm(distance)} × ${formatCents(centsPerKm)} = ${formatCents(total)}`,
    rule,
    flags: [],
    receiptRequired: false,
  };
}

function actualCost(input: LineInput, label: string, flags: LineFlag[] = []): Outcome {
  const amount = amountOf(input);
  return {
    eligibleCents: amount,
    explanation: `${label} : ${formatCents(amount)} (coût réel sur justificatif)`,
    rule: 'actual_cost',
    flags,
    receiptRequired: true,
  };
}

function childcare(input: LineInput, context: LineContext): Outcome {
  const amount = amountOf(input);
  const q = input.childcareQuarterHours;
  if (q === undefined || q === null) throw new LineInputError('childcareQuarterHours', 'durée de garde obligatoire');
  if (!Number.isSafeInteger(q) || q < 0 || q > MAX_CHILDCARE_QUARTER_HOURS)
    throw new LineInputError('childcareQuarterHours', 'doit être une durée entre 0 et 24 heures, par quarts d’heure');
  const hourly = context.rates.childcareHourlyCapCents;
  const cap = roundHalfUp(BigInt(q) * BigInt(hourly), 4n);
  const capText = `${formatQuarterHours(q)} × ${formatCents(hourly)} = ${formatCents(cap)}`;
  if (amount > cap) {
    return {
      eligibleCents: cap,
      explanation: `Garde d’enfants : ${formatCents(amount)} plafonnés à ${capText}`,
      rule: 'cap_childcare_hours',
      flags: ['over_cap'],
      receiptRequired: true,
    };
  }
  return {
    eligibleCents: amount,
    explanation: `Garde d’enfants : ${formatCents(amount)} (coût réel sur justificatif, plafond ${capText})`,
    rule: 'actual_cost',
    flags: [],
    receiptRequired: true,
  };
}

function notEligible(explanation: string, rule: string): Outcome {
  return { eligibleCents: cents(0), explanation, rule, flags: ['not_eligible'], receiptRequired: false };
}

function meal(context: LineContext): Outcome {
  checkTimes(context);
  if (context.mealProvided) return notEligible('Repas fourni sur place : 0,00 €', 'meal_provided');
  const windows = MEAL_WINDOWS.reduce(
    (n, w) => n + countWindows(context.departure, context.return, w, context.timeZone),
    0,
  );
  if (windows === 0)
    return notEligible(
      'Absence ne couvrant aucune plage de repas entière (11 h – 14 h, 18 h – 21 h) : 0,00 €',
      'meal_no_window',
    );
  const total = timesCount(context.rates.mealFlatCents, windows);
  return {
    eligibleCents: total,
    explanation: `${windows} repas × ${formatCents(context.rates.mealFlatCents)} = ${formatCents(total)}`,
    rule: `meal_windows_${windows}`,
    flags: [],
    receiptRequired: false,
  };
}

function night(input: LineInput, context: LineContext): Outcome {
  checkTimes(context);
  if (input.lodgedFree) return notEligible('Hébergement gratuit : 0,00 €', 'lodged_free');
  const nights = countWindows(context.departure, context.return, NIGHT_WINDOW, context.timeZone);
  if (nights === 0)
    return notEligible('Absence ne couvrant pas toute la plage de 0 h à 5 h : 0,00 €', 'night_not_away');
  const amount = amountOf(input);
  const location = input.nightLocation ?? 'standard';
  const byLocation = context.rates.nightCapCents[location];
  const reduced = input.reducedMobility === true && context.rates.nightReducedMobilityCapCents > byLocation;
  const perNight = reduced ? context.rates.nightReducedMobilityCapCents : byLocation;
  const capRule = reduced ? 'cap_reduced_mobility' : `cap_night_${location}`;
  const capLabel = reduced ? 'plafond mobilité réduite' : NIGHT_LOCATION_LABELS[location];
  const cap = timesCount(perNight, nights);
  const capText = `${nights} nuit${nights > 1 ? 's' : ''} × ${formatCents(perNight)} = ${formatCents(cap)}, ${capLabel}`;
  if (amount > cap) {
    return {
      eligibleCents: cap,
      explanation: `Nuitée : ${formatCents(amount)} plafonnés à ${capText}`,
      rule: capRule,
      flags: ['over_cap'],
      receiptRequired: true,
    };
  }
  return {
    eligibleCents: amount,
    explanation: `Nuitée : ${formatCents(amount)} (coût réel sur justificatif, plafond ${capText})`,
    rule: 'actual_cost',
    flags: [],
    receiptRequired: true,
  };
}

function allowance(context: LineContext): Outcome {
  checkTimes(context);
  const rate = context.rates.allowanceHalfDayCents;
  if (rate === null) return notEligible('Pas d’indemnité de participation pour ce projet : 0,00 €', 'allowance_off');
  const { halfDays } = countHalfDays(context.departure, context.return, context.timeZone);
  const total = timesCount(rate, halfDays);
  return {
    eligibleCents: total,
    explanation: `${halfDays} demi-journée${halfDays > 1 ? 's' : ''} × ${formatCents(rate)} = ${formatCents(total)}`,
    rule: 'allowance_half_days',
    flags: [],
    receiptRequired: false,
  };
}

function outcomeOf(input: LineInput, context: LineContext): Outcome {
  switch (input.kind) {
    case 'mileage':
      return mileage(input, context);
    case 'motorbike':
      return flatPerKm(input, context.rates.motorbikeCentsPerKm, 'motorbike_rate', 'Moto de plus de 125 cm³');
    case 'moped':
      return flatPerKm(input, context.rates.mopedCentsPerKm, 'moped_rate', 'Cyclomoteur');
    case 'public_transport':
      return actualCost(input, 'Transport en commun');
    case 'taxi':
      return actualCost(input, 'Taxi ou transport adapté', ['taxi']);
    case 'childcare':
      return childcare(input, context);
    case 'meal':
      return meal(context);
    case 'night':
      return night(input, context);
    case 'allowance':
      return allowance(context);
    default:
      throw new LineInputError('kind', 'type de frais inconnu');
  }
}

/**
 * Computes one line: the eligible amount (integer cents, rounded once, half up), a French
 * explanation (`42 km × 0,32 € = 13,44 €`), the rule applied as a code, review flags and the
 * cost category. Refunds of actual costs and allowances never share a category.
 *
 * - The rate set must be the one in force on `input.travelDate` (see `rateSetFor`).
 * - Mileage: `context.priorMileageDeciKmThisYear` is the caller's to compute: the person's
 *   earlier non-rejected `mileage` lines (cars only) of the same calendar year as the travel
 *   date — 0 on the first trip of a new year — frozen when the line is decided.
 * - A night line covers the stay of the claim: its cap is the number of local 0 h – 5 h
 *   windows inside [departure, return] × the per-night cap.
 * - A line that gives nothing because of a rule (meal provided, no meal window, lodged for
 *   free, not away at night, allowance off) is flagged `not_eligible` for the reviewer.
 * - Throws LineInputError naming the field when the input lacks what its kind needs.
 */
export function computeLine(input: LineInput, context: LineContext): LineComputation {
  if (context.rates.effectiveFrom > input.travelDate)
    throw new RangeError(`rate set ${context.rates.id} is not in force on ${input.travelDate}`);
  const outcome = outcomeOf(input, context);
  const flags = [...outcome.flags];
  // Tickets, taxis, childcare and nights always need one (unless the rule gave nothing to
  // pay for, e.g. lodged for free); any other line holding an amount, above the threshold.
  const needsReceipt =
    outcome.receiptRequired ||
    (!RECEIPT_ALWAYS_REQUIRED.includes(input.kind) && (input.amountCents ?? 0) > context.rates.receiptThresholdCents);
  if (needsReceipt && !input.hasReceipt) flags.unshift('missing_receipt');
  return {
    eligibleCents: outcome.eligibleCents,
    explanation: input.forCompanion ? `Accompagnant — ${outcome.explanation}` : outcome.explanation,
    rule: input.forCompanion ? `${outcome.rule}_companion` : outcome.rule,
    flags,
    category: CATEGORY[input.kind],
  };
}
