/**
 * Mileage allowances (arrêté of 14 March 2022): km × rate by fiscal power, the band chosen by
 * the kilometres already driven this calendar year; a trip crossing a band boundary is split.
 * Distances are tenths of a km and rates cents per km, so every product is an integer of
 * tenths of a cent, rounded once per line, half up.
 */
import { formatCents, roundHalfUp, type Cents } from '../shared/money.js';

/** Upper bounds of the first two bands, in tenths of a km: ≤ 2 000 km, 2 001–10 000 km, then above. */
export const MILEAGE_BAND_LIMITS_DECI_KM = [20_000, 100_000] as const;

export interface MileagePart {
  /** 1, 2 or 3. */
  band: 1 | 2 | 3;
  deciKm: number;
  centsPerKm: number;
}

/**
 * Splits a trip of `distanceDeciKm` driven after `priorDeciKm` this year across the bands.
 * A trip ending exactly at 2 000 km stays in the first band; the next tenth of a km is in
 * the second. Parts of zero length are left out; a zero-length trip gives one empty part.
 */
export function splitAcrossBands(
  priorDeciKm: number,
  distanceDeciKm: number,
  rates: readonly [number, number, number],
): MileagePart[] {
  const bounds = [0, MILEAGE_BAND_LIMITS_DECI_KM[0], MILEAGE_BAND_LIMITS_DECI_KM[1], Number.POSITIVE_INFINITY];
  const start = priorDeciKm;
  const end = priorDeciKm + distanceDeciKm;
  const parts: MileagePart[] = [];
  for (let i = 0; i < 3; i++) {
    const deciKm = Math.max(0, Math.min(end, bounds[i + 1]) - Math.max(start, bounds[i]));
    if (deciKm > 0) parts.push({ band: (i + 1) as 1 | 2 | 3, deciKm, centsPerKm: rates[i] });
  }
  if (parts.length === 0) {
    const band = start < bounds[1] ? 1 : start < bounds[2] ? 2 : 3;
    parts.push({ band, deciKm: 0, centsPerKm: rates[band - 1] });
  }
  return parts;
}

/** `42 km`, `42,5 km`, `2 000 km` (plain spaces). */
export function formatKm(deciKm: number): string {
  const whole = Math.floor(deciKm / 10)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const tenth = deciKm % 10;
  return `${whole}${tenth ? `,${tenth}` : ''} km`;
}

/** The amount of the parts, rounded once, half up: Σ (tenths of km × cents per km) / 10. */
export function amountOfParts(parts: readonly MileagePart[]): Cents {
  const tenthsOfCents = parts.reduce((sum, p) => sum + BigInt(p.deciKm) * BigInt(p.centsPerKm), 0n);
  return roundHalfUp(tenthsOfCents, 10n);
}

/** `10 km × 0,32 € + 10 km × 0,40 € = 7,20 €`. */
export function explainParts(parts: readonly MileagePart[], total: Cents): string {
  return `${parts.map((p) => `${formatKm(p.deciKm)} × ${formatCents(p.centsPerKm)}`).join(' + ')} = ${formatCents(total)}`;
}

/** `mileage_band_1`, `mileage_band_1_2` (split across the first two bands)… */
export function mileageRule(parts: readonly MileagePart[]): string {
  return `mileage_band_${parts.map((p) => p.band).join('_')}`;
}
