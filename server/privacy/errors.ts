import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why a data-protection request action is refused: code → [HTTP status, French message, wire code if another]. */
export const PRIVACY_ERRORS = defineErrors('privacy', {
  request_already_closed: [409, 'Cette demande est déjà close avec une autre issue.'],
  erasure_not_done: [
    409,
    'Effacez d’abord les données de la personne (action « Effacer les données ») : la demande sera close automatiquement.',
  ],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    privacy: typeof PRIVACY_ERRORS;
  }
}

export const privacyError = errorMaker(PRIVACY_ERRORS);
