import { randomInt } from 'node:crypto';
import { frenchIban } from '../../server/demo/consents.js';

/** A valid French IBAN that no other test uses. */
export function freshIban(): string {
  return frenchIban('30004', '00820', String(randomInt(10 ** 10, 10 ** 11 - 1)));
}

/** `FR76…` → `FR76 3000 …`, as people type it. */
export const spaced = (iban: string) => iban.replace(/(.{4})(?=.)/g, '$1 ');
