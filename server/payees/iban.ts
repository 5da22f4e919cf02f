import type { Keyring } from '../shared/crypto.js';
import { normaliseIban } from '../shared/validators.js';

/** `FR7630006000011234567890189` → `FR76 •••• •••• •••• •••• •••0 189`: country, check digits and last 4 visible. */
export function maskIban(iban: string): string {
  const compact = normaliseIban(iban);
  const masked = [...compact].map((c, i) => (i < 4 || i >= compact.length - 4 ? c : '•')).join('');
  return groupByFour(masked);
}

/** Groups of four characters, as printed on a RIB. */
export function groupByFour(value: string): string {
  return value.replace(/(.{4})(?=.)/g, '$1 ');
}

export interface SealedIban {
  iban_ciphertext: string;
  iban_key_id: string;
  iban_hash: string;
  iban_masked: string;
}

/**
 * The columns stored for an IBAN: encrypted with the current key (key id kept for rotation),
 * a keyed hash of the normalised value to spot the same IBAN elsewhere, and the masked form.
 * The plain IBAN is never stored.
 */
export function sealIban(keyring: Keyring, iban: string): SealedIban {
  const normalised = normaliseIban(iban);
  const { ciphertext, keyId } = keyring.encrypt(normalised);
  return {
    iban_ciphertext: ciphertext,
    iban_key_id: keyId,
    iban_hash: keyring.keyedHash(normalised),
    iban_masked: maskIban(normalised),
  };
}

export function normaliseBic(bic: string): string {
  return bic.replace(/\s/g, '').toUpperCase();
}

/**
 * The keyed hash of the organisation's own account (the debtor IBAN of the settings), to
 * compare with payees' `iban_hash` without decrypting anything; null when none is set.
 */
export function ownIbanHash(keyring: Keyring, debtorIban: string | null | undefined): string | null {
  return debtorIban ? keyring.keyedHash(normaliseIban(debtorIban)) : null;
}
