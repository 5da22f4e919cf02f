import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why a payee action is refused: code → [HTTP status, French message, wire code if another]. */
export const PAYEES_ERRORS = defineErrors('payees', {
  payee_participant_merged: [
    409,
    'Cette fiche a été fusionnée avec une autre : enregistrez les bénéficiaires sur la fiche conservée.',
    'participant_merged',
  ],
  payee_participant_not_active: [
    409,
    'Cette fiche est archivée ou anonymisée : elle ne peut plus recevoir de nouvelles données.',
    'participant_not_active',
  ],
  payee_own_iban_requires_override: [
    409,
    'Cet IBAN est celui du compte de l’organisme (compte à débiter). Vérifiez-le ; s’il est juste, confirmez en indiquant le motif.',
    'own_iban_requires_override',
  ],
  payee_without_iban: [409, 'Aucun IBAN n’est enregistré pour ce bénéficiaire.'],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    payees: typeof PAYEES_ERRORS;
  }
}

export const payeesError = errorMaker(PAYEES_ERRORS);
