import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as fr from '@zxcvbn-ts/language-fr';
import { AppError } from '../shared/errors.js';

/**
 * zxcvbn scores 0–4; 3 means about 10^8 guesses or more ("safely unguessable: moderate
 * protection from an offline slow-hash attack"). Our hashes are argon2id and sign-in is
 * throttled, so 3 is enough; 4 would refuse many long, memorable passphrases.
 */
export const MIN_PASSWORD_SCORE = 3;

// Built once, on first use (~150 ms to rank the dictionaries). The check runs on the event
// loop and its cost grows fast with length and l33t substitutions (a 64-character random string
// took 4 s with the defaults, 1024 characters 20 s): only the first 64 characters are judged
// (a longer password is refused only if those are weak) and at most 10 l33t substitutions are
// tried, which keeps a check under ~100 ms and still catches "P@ssw0rd". Levenshtein matching
// is left off for the same reason. Callers check the current password first, so only a
// signed-in person who knows it (or an admin) can make the server run this.
let factory: ZxcvbnFactory | null = null;
function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...fr.dictionary },
    graphs: common.adjacencyGraphs,
    translations: fr.translations,
    maxLength: 64,
    l33tMaxSubstitutions: 10,
  });
  return factory;
}

/** The words of the person's e-mail and name, which a password must not lean on. */
function personalWords(person: { email?: string; name?: string }): string[] {
  const email = (person.email ?? '').trim().toLowerCase();
  const local = email.split('@')[0] ?? '';
  const words = [email, local, ...local.split(/[^\p{L}\p{N}]+/u), ...(person.name ?? '').split(/[^\p{L}\p{N}]+/u)];
  return [...new Set(words.filter((w) => w.length >= 3))];
}

const lettersOnly = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/**
 * Whether the letters of the password are nothing but the person's own words ("Prénom-Nom-2026").
 * zxcvbn counts each part of such a sequence as a separate guess and may score it 3: we do not.
 */
function onlyPersonalWords(password: string, words: string[]): boolean {
  const letters = lettersOnly(password);
  const parts = [...new Set(words.map(lettersOnly).filter((w) => w.length >= 3))];
  if (!letters || !parts.length) return false;
  // reachable[i]: the first i letters split into personal words.
  const reachable = [true, ...Array<boolean>(letters.length).fill(false)];
  for (let i = 0; i < letters.length; i++) {
    if (!reachable[i]) continue;
    for (const w of parts) if (letters.startsWith(w, i)) reachable[i + w.length] = true;
  }
  return reachable[letters.length];
}

/**
 * Why this password is too easy to guess (in French), or null when it is strong enough:
 * common passwords and words (English and French dictionaries, keyboard patterns, dates,
 * repetitions) and the person's own e-mail or name score below MIN_PASSWORD_SCORE; a password
 * whose letters are only the person's own words is refused too.
 */
export function passwordWeakness(password: string, person: { email?: string; name?: string } = {}): string | null {
  const words = personalWords(person);
  if (onlyPersonalWords(password, words)) return 'Il ne doit pas reposer sur votre nom ou votre adresse e-mail.';
  const result = estimator().check(password, words);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const why = [result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => !!s);
  return why.length ? why.join(' ') : 'Choisissez une phrase de plusieurs mots peu courants.';
}

/**
 * Refuses a password a person chose when it is too easy to guess: 400 `validation_failed`
 * naming the field (`newPassword`, `password`), with the reason in French.
 */
export function assertStrongPassword(
  password: string,
  field: string,
  label: string,
  person: { email?: string; name?: string },
): void {
  const weakness = passwordWeakness(password, person);
  if (weakness)
    throw new AppError('validation_failed', undefined, [
      { field, message: `${label} est trop facile à deviner : ${weakness}` },
    ]);
}
