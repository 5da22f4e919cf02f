import type { Deps } from '../shared/deps.js';

export function sessionPages(_deps: Deps) {
  return [];
}
