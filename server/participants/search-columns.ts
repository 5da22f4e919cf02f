import { foldText } from '../shared/search.js';
import { phoneDigits } from '../shared/phone.js';

/** The source columns of the stored search columns. */
export const SEARCHED_COLUMNS = ['first_name', 'last_name', 'email', 'phone'] as const;

export type SearchSources = Partial<Record<(typeof SEARCHED_COLUMNS)[number], string | null>>;

/**
 * The stored, folded copies the list sorts and searches on (db/migrations/…-participants-search-columns.ts),
 * from a participant's names and contacts: `sort_name` "last first", lower case and without
 * accents; `search_contact` the e-mail and the phone's digits, or null when there is neither.
 * Every write of a source column writes these with it (the repo does), so that they never
 * hold anything the record no longer holds.
 */
export function searchColumns(p: SearchSources): { sort_name: string; search_contact: string | null } {
  const contact = [foldText(p.email ?? ''), phoneDigits(p.phone ?? '')].filter(Boolean).join(' ');
  return {
    sort_name: `${foldText(p.last_name ?? '')} ${foldText(p.first_name ?? '')}`,
    search_contact: contact || null,
  };
}
