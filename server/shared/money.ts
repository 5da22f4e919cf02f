/** Money is integer cents (EUR); this module is the one place that converts and rounds. */
export type Cents = number & { readonly __brand?: 'cents' };

/** Parses what a person types (`15`, `15,5`, `1 234,56`, `15.50`) into cents; null when it is not an amount. */
export function parseEuros(input: string): Cents | null {
  const s = input.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(s)) return null;
  const [units, fraction = ''] = s.split('.');
  return Number(units) * 100 + Number(fraction.padEnd(2, '0'));
}

/** `1500` → `15,00` (for form fields). */
export function centsToInput(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
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
  return Number(negative ? -q : q);
}
