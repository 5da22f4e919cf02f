/**
 * Money is integer cents (EUR); this module is the one place that converts, rounds and formats
 * it. Elsewhere amounts are only added, subtracted, compared and multiplied by whole counts.
 */
export type Cents = number & { readonly __brand: 'cents' };

/** Brands a whole number of cents (a programming error otherwise): where an amount enters the money path. */
export function cents(n: number): Cents {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a whole number of cents: ${n}`);
  return n as Cents;
}

/** An amount times a whole count (nights, meals, half-days): still whole cents. */
export function timesCount(amount: Cents, count: number): Cents {
  return cents(amount * count);
}

/** The sum of amounts. */
export function sumCents(...amounts: Cents[]): Cents {
  return amounts.reduce((s, a) => s + a, 0) as Cents;
}

const euro = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `123456` cents → `1 234,56 €` (plain spaces, so that every font and CSV reader copes). */
export function formatCents(cents: number): string {
  if (!Number.isInteger(cents)) throw new Error('amounts are integer cents');
  return `${euro.format(cents / 100).replace(/[\u202f\u00a0]/g, ' ')} €`;
}

/** Parses what a person types (`15`, `15,5`, `1 234,56`, `15.50`) into cents; null when it is not an amount. */
export function parseEuros(input: string): Cents | null {
  const s = input.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(s)) return null;
  const [units, fraction = ''] = s.split('.');
  return (Number(units) * 100 + Number(fraction.padEnd(2, '0'))) as Cents;
}

/**
 * `123456` → `1234,56` (or `1234.56` with `.`): no thousands separator, integer arithmetic, no
 * float. Form fields, CSV cells (spreadsheets read them as numbers) and SEPA amounts.
 */
export function centsToDecimal(cents: number, separator: ',' | '.' = ','): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}${separator}${String(abs % 100).padStart(2, '0')}`;
}

/** `1500` → `15,00` (for form fields). */
export function centsToInput(cents: number): string {
  return centsToDecimal(cents, ',');
}

/** Cents as a number of euros, for the numeric cells of a spreadsheet (formatted there as money). */
export function centsToEuros(cents: number): number {
  return cents / 100;
}

/**
 * Rounds a non-negative amount in (fractional) cents half up to whole cents. Inputs are
 * products of integers and rates given in cents, computed as exact integer ratios.
 */
export function roundHalfUp(numerator: bigint, denominator: bigint): Cents {
  if (denominator <= 0n) throw new Error('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = (n * 2n + denominator) / (2n * denominator);
  return Number(negative ? -q : q) as Cents;
}

/** A share in basis points (10000 = 100 %) of an amount, to the nearest cent (half up for amounts ≥ 0): a figure shown, not a split. */
export function basisPointsOf(cents: number, bp: number): Cents {
  return Math.round((cents * bp) / 10000) as Cents;
}

/**
 * Splits `amountCents` (a non-negative integer) among parties by basis points (the last party
 * usually takes the rest) without losing or creating a cent: each first gets the floor of its
 * exact share, then the cents left over go one by one to the largest remainders (ties: the
 * last party after the others, then the order given).
 */
export function splitByBasisPoints(amountCents: number, parties: readonly number[]): Cents[] {
  const floors = parties.map((bp) => Math.floor((amountCents * bp) / 10000));
  const remainders = parties.map((bp) => (amountCents * bp) % 10000);
  let left = amountCents - floors.reduce((s, x) => s + x, 0);
  const last = parties.length - 1;
  const order = parties
    .map((_, i) => i)
    .sort((a, b) => remainders[b] - remainders[a] || (a === last ? 1 : b === last ? -1 : a - b));
  for (const i of order) {
    if (left === 0) break;
    if (remainders[i] > 0) {
      floors[i]++;
      left--;
    }
  }
  return floors as Cents[];
}
