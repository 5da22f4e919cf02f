/**
 * French telephone numbers (metropolitan France and overseas, one national numbering plan).
 * Whatever people type (`06.12.34.56.78`, `+33 (0)6 12 34 56 78`, `0033612345678`,
 * `+262 692 12 34 56`) becomes the national form `06 12 34 56 78`, so that one number is
 * stored, compared and searched one way.
 */

// Country codes that dial into the French national plan (0 + 9 digits): metropolitan France,
// Réunion and Mayotte, Guadeloupe (and Saint-Martin, Saint-Barthélemy), Guyane, Martinique.
const FRENCH_COUNTRY_CODES = ['33', '262', '590', '594', '596'];

export const PHONE_MESSAGE = 'doit être un numéro de téléphone français (ex. 06 12 34 56 78 ou +33 6 12 34 56 78)';

/** The national form `0X XX XX XX XX`, or null when the text is not a French phone number. */
export function normalisePhone(input: string): string | null {
  let s = input.trim();
  if (!s || s.length > 30) return null;
  if (!/^[+0-9\s.\-()/]+$/.test(s)) return null;
  s = s.replace(/\(0\)/g, '').replace(/[\s.\-()/]/g, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  let national: string | null = null;
  if (s.startsWith('+')) {
    const digits = s.slice(1);
    const cc = FRENCH_COUNTRY_CODES.find((c) => digits.startsWith(c) && digits.length - c.length === 9);
    if (!cc) return null;
    // The nine digits after the country code are the national number without its 0, overseas
    // too (+262 692 12 34 56 → 06 92 12 34 56).
    national = `0${digits.slice(cc.length)}`;
  } else if (/^0\d{9}$/.test(s)) {
    national = s;
  }
  if (!national || !/^0[1-9]\d{8}$/.test(national)) return null;
  return national.replace(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/, '$1 $2 $3 $4 $5');
}

/** Digits only (`0612345678`), for searching whatever the spacing. */
export function phoneDigits(input: string): string {
  return input.replace(/\D/g, '');
}
