import type { Db } from '../shared/db.js';
import { AppError, type ErrorDetail } from '../shared/errors.js';
import { getPartner } from '../partners/index.js';
import { NEEDS_FIELDS, PROFILE_FIELDS, type ParticipantState } from './rules.js';
import type { DuplicateCandidate } from './repo.js';
import { participantsError } from './errors.js';

const MATCH_LABELS: Record<DuplicateCandidate['matches'][number], string> = {
  email: 'même adresse e-mail',
  phone: 'même téléphone',
  name_commune: 'mêmes nom et prénom dans la même commune',
};

/** What a duplicate candidate looks like in an error's details (ids and references only). */
export function duplicateDetails(
  candidates: DuplicateCandidate[],
): (ErrorDetail & { id: string; reference: string; matches: string[] })[] {
  return candidates.map((c) => ({
    field: 'duplicates',
    message: `${c.reference} : ${c.matches.map((m) => MATCH_LABELS[m]).join(', ')}`,
    id: c.id,
    reference: c.reference,
    matches: c.matches,
  }));
}

/** The partner must exist, and be active when the link is new. Returns the 400 detail, if any. */
export async function partnerProblem(
  db: Db,
  partnerId: string | null,
  previousPartnerId: string | null,
): Promise<ErrorDetail | null> {
  if (!partnerId || partnerId === previousPartnerId) return null;
  const partner = await getPartner(db, partnerId);
  if (!partner) return { field: 'partnerId', message: 'structure relais inconnue' };
  if (!partner.active) return { field: 'partnerId', message: 'cette structure relais est désactivée' };
  return null;
}

export async function assertPartnerUsable(
  db: Db,
  partnerId: string | null,
  previousPartnerId: string | null,
): Promise<void> {
  const problem = await partnerProblem(db, partnerId, previousPartnerId);
  if (problem) throw new AppError('validation_failed', undefined, [problem]);
}

const isSet = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== null && v !== undefined);

/**
 * Needs (special-category data) and profile answers are recorded only under a live consent
 * for their purpose (`needs`, `profile`); clearing them never needs one. Throws 409
 * `consent_required` naming each field that would be set without it.
 */
export function assertConsentsCover(before: ParticipantState, after: ParticipantState, live: Set<string>): void {
  const details: ErrorDetail[] = [];
  const gate = (fields: readonly (keyof ParticipantState)[], purpose: string, label: string) => {
    if (live.has(purpose)) return;
    for (const f of fields) {
      if (isSet(after[f]) && JSON.stringify(after[f]) !== JSON.stringify(before[f]))
        details.push({ field: f, message: `consentement « ${label} » nécessaire` });
    }
  };
  gate(NEEDS_FIELDS, 'needs', 'besoins');
  gate(PROFILE_FIELDS, 'profile', 'profil');
  if (details.length) {
    throw participantsError('consent_required', details);
  }
}
