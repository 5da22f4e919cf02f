import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why a session, invitation or attendance action is refused: code → [HTTP status, French message, wire code if another]. */
export const SESSIONS_ERRORS = defineErrors('sessions', {
  project_closed: [409, 'Ce projet est clos : on ne peut plus y ajouter de session.'],
  session_held: [409, 'Cette session a déjà eu lieu : elle ne peut plus être annulée.'],
  session_held_no_invitation: [409, 'Cette session a déjà eu lieu.', 'session_held'],
  solicitation_limit_requires_override: [
    409,
    ({ limit, references }: { limit: number; references: string }) =>
      `Ces personnes ont déjà été sollicitées ${limit} fois ou plus dans les 90 jours avant cette session : ${references}. Pour les inviter quand même, indiquez une raison.`,
  ],
  attendance_recorded: [409, 'La présence de cette personne est déjà enregistrée.'],
  attendance_missing: [409, 'Enregistrez d’abord les présences de cette session.'],
  no_booking: [409, 'Cette session n’a pas de lieu réservé.'],
  attendance_session_cancelled: [
    409,
    ({ name }: { name: string }) => `Cette session est annulée : la présence de ${name} ne peut plus être enregistrée.`,
    'session_cancelled',
  ],
  attendance_session_not_started: [
    409,
    ({ name }: { name: string }) =>
      `La session n’a pas encore commencé : la présence de ${name} ne peut être enregistrée qu’à partir de son début. Les invitations et les réponses restent ouvertes.`,
    'session_not_started',
  ],
  attendance_behind_claim: [
    409,
    ({ name, claims }: { name: string; claims: string }) =>
      `La présence de ${name} justifie ${claims} : elle ne peut être ni modifiée ni retirée. Annulez ou rejetez d’abord la demande.`,
  ],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    sessions: typeof SESSIONS_ERRORS;
  }
}

export const sessionsError = errorMaker(SESSIONS_ERRORS);
