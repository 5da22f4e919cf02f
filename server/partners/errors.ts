import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why a partner action is refused: code → [HTTP status, French message, wire code if another]. */
export const PARTNERS_ERRORS = defineErrors('partners', {
  partner_name_taken: [409, 'Une structure relais porte déjà ce nom.'],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    partners: typeof PARTNERS_ERRORS;
  }
}

export const partnersError = errorMaker(PARTNERS_ERRORS);
