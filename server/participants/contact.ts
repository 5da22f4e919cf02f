import type { ParticipantContact } from './repo.js';

/** E-mail for people with an address who chose e-mail; a printed letter for everybody else (one rule for every message). */
export function channelFor(p: Pick<ParticipantContact, 'email' | 'preferred_channel'>): 'email' | 'letter' {
  return p.email && p.preferred_channel === 'email' ? 'email' : 'letter';
}

export const fullName = (p: Pick<ParticipantContact, 'first_name' | 'last_name'>): string =>
  [p.first_name, p.last_name].filter(Boolean).join(' ');
