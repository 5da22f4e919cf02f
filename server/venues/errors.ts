import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why a venue or booking action is refused: code → [HTTP status, French message, wire code if another]. */
export const VENUES_ERRORS = defineErrors('venues', {
  session_cancelled: [409, 'Cette session est annulée : on ne peut plus y inviter personne ni y réserver de lieu.'],
  booking_overlap: [409, 'Ce lieu est déjà réservé sur ce créneau.'],
  booking_overlap_with: [
    409,
    ({ what, when }: { what: string; when: string }) => `Ce lieu est déjà réservé pour ${what}, ${when}.`,
    'booking_overlap',
  ],
  session_already_booked: [409, 'Cette session a déjà un lieu réservé : annulez d’abord cette réservation.'],
  booking_cancelled: [409, 'Cette réservation est annulée : faites-en une nouvelle.'],
  booking_option_expired: [
    409,
    ({ days }: { days: number }) =>
      `Cette option a expiré (elle dure ${days} jours) : faites une nouvelle réservation.`,
  ],
  venue_import_not_pending: [
    409,
    'Cet import a été annulé ou a expiré : envoyez le fichier à nouveau.',
    'import_not_pending',
  ],
  venue_import_expired: [409, 'Cet import a expiré : envoyez le fichier à nouveau.', 'import_not_pending'],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    venues: typeof VENUES_ERRORS;
  }
}

export const venuesError = errorMaker(VENUES_ERRORS);
