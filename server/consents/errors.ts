import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why a consent action is refused: code → [HTTP status, French message, wire code if another]. */
export const CONSENTS_ERRORS = defineErrors('consents', {
  consent_participant_merged: [
    409,
    'Cette fiche a été fusionnée avec une autre : enregistrez les consentements sur la fiche conservée.',
    'participant_merged',
  ],
  consent_participant_not_active: [
    409,
    'Cette fiche est archivée ou anonymisée : elle ne peut plus recevoir de consentement.',
    'participant_not_active',
  ],
  consent_superseded: [409, 'Ce consentement a été remplacé par un plus récent : c’est celui-ci qu’il faut retirer.'],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    consents: typeof CONSENTS_ERRORS;
  }
}

export const consentsError = errorMaker(CONSENTS_ERRORS);
