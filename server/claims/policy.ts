import { roles, type Role } from '../shared/authorize.js';
import type { ActingActor } from '../shared/acting.js';
import type { AppError } from '../shared/errors.js';
import { claimsError } from './errors.js';

export const CLAIM_READERS = roles('staff', 'project_lead', 'finance', 'auditor');
/** Staff enter claims from paper, attach receipts, submit and cancel; leads and finance may too. */
export const CLAIM_WRITER_ROLES: readonly Role[] = ['staff', 'project_lead', 'finance'];
export const CLAIM_WRITERS = roles(...CLAIM_WRITER_ROLES);
/** Project leads (their projects) and finance decide; no one who had a hand on a claim decides it. */
export const CLAIM_DECIDERS = roles('project_lead', 'finance');
/** Who may enter a claim for a session without recorded attendance (with a reason, audited). */
export const OVERRIDE_ATTENDANCE_ROLES: readonly Role[] = ['staff', 'project_lead', 'finance'];
/** Who may grant a line whose receipt is missing (with a reason, audited): the deciders. */
export const OVERRIDE_RECEIPT_ROLES: readonly Role[] = ['project_lead', 'finance'];

/** What a person can do to a claim before its decision; each is recorded in `claim_hands`. */
export const HAND_ACTIONS = [
  'created',
  'edited',
  'receipt_added',
  'submitted',
  'advance_settled',
  'cancelled',
] as const;
export type HandAction = (typeof HAND_ACTIONS)[number];
export const HAND_LABELS: Record<HandAction, string> = {
  created: 'saisie',
  edited: 'modification du brouillon',
  receipt_added: 'ajout d’un justificatif',
  submitted: 'transmission',
  advance_settled: 'régularisation de l’avance',
  cancelled: 'annulation',
};

export interface Hand {
  userId: string;
  action: HandAction;
}

/** What the decision rule reads of a claim: the lead of its project and every hand on it. */
export interface DecisionFacts {
  projectLeadId: string | null;
  hands: readonly Hand[];
}

export type DecisionRight =
  { ok: true } | { ok: false; code: 'forbidden' | 'separation_of_duties'; reason: string; error: AppError };

const refused = (code: 'forbidden' | 'separation_of_duties', error: AppError): DecisionRight => ({
  ok: false,
  code,
  reason: error.message,
  error,
});

/**
 * Who may decide a claim: finance (any claim) or the lead of its project, and never someone
 * who had a hand on it (entered it, edited it, added a receipt, submitted it, settled the advance
 * into it). The one rule the decision use case, the API, the claim page and bulk approval apply;
 * the refusal carries the French reason shown to the user.
 */
export function mayDecide(actor: Pick<ActingActor, 'roles' | 'userId'>, claim: DecisionFacts): DecisionRight {
  const decider =
    actor.roles.includes('finance') || (actor.roles.includes('project_lead') && claim.projectLeadId === actor.userId);
  if (!decider) return refused('forbidden', claimsError('not_claim_decider'));
  const mine = [...new Set(claim.hands.filter((h) => h.userId === actor.userId).map((h) => h.action))];
  if (mine.length) {
    return refused(
      'separation_of_duties',
      claimsError('separation_of_duties', { hands: mine.map((a) => HAND_LABELS[a]).join(', ') }),
    );
  }
  return { ok: true };
}
