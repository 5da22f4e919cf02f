import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why a staff-account action is refused: code → [HTTP status, French message]. */
export const USERS_ERRORS = defineErrors('users', {
  email_taken: [409, 'Un compte existe déjà avec cette adresse e-mail.'],
  last_admin: [409, 'Il doit rester au moins un administrateur actif.'],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    users: typeof USERS_ERRORS;
  }
}

export const usersError = errorMaker(USERS_ERRORS);
