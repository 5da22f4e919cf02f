import type { Deps } from '../shared/deps.js';

export function projectPages(_deps: Deps) {
  return [];
}
