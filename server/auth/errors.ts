import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why an account action is refused: code → [HTTP status, French message, wire code if another]. */
export const AUTH_ERRORS = defineErrors('auth', {
  password_change_by_token: [
    403,
    'Le mot de passe se change depuis une session, pas avec un jeton d’API.',
    'forbidden',
  ],
  token_by_token: [403, 'Un jeton d’API ne peut pas créer d’autre jeton.', 'forbidden'],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    auth: typeof AUTH_ERRORS;
  }
}

export const authError = errorMaker(AUTH_ERRORS);
