/** Checks of identifiers people type: IBAN, BIC, SIRET… (validators, not formatting). */
import { isValidIBAN, electronicFormatIBAN, isValidBIC } from 'ibantools';

/** IBAN with or without spaces, any case. */
export function isValidIban(value: string): boolean {
  const compact = electronicFormatIBAN(value);
  return !!compact && isValidIBAN(compact);
}

export function normaliseIban(value: string): string {
  return electronicFormatIBAN(value) ?? value;
}

export function isValidBic(value: string): boolean {
  return isValidBIC(value.replace(/\s/g, '').toUpperCase());
}

/**
 * SIRET: 14 digits with a Luhn key; La Poste's establishments (SIREN 356000000) use a sum
 * of digits divisible by 5 instead.
 */
export function isValidSiret(value: string): boolean {
  const digits = value.replace(/\s/g, '');
  if (!/^\d{14}$/.test(digits)) return false;
  if (digits.startsWith('356000000')) {
    return [...digits].reduce((s, d) => s + Number(d), 0) % 5 === 0;
  }
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = Number(digits[13 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const knownZones = new Set(Intl.supportedValuesOf('timeZone'));

export function isValidTimeZone(value: string): boolean {
  if (knownZones.has(value)) return true;
  try {
    new Intl.DateTimeFormat('fr-FR', { timeZone: value });
    return value.includes('/');
  } catch {
    return false;
  }
}

/** A `YYYY-MM-DD` string naming a day that exists. */
export function isValidLocalDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
