import type { Deps } from '../shared/deps.js';

export function venuePages(_deps: Deps) {
  return [];
}
