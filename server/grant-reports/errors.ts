import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why a statement or drawdown is refused: code → [HTTP status, French message, wire code if another]. */
export const GRANT_REPORTS_ERRORS = defineErrors('grant-reports', {
  statement_too_large_for_pdf: [
    409,
    ({ rows, max }: { rows: number; max: number }) =>
      `Cette période compte ${rows} lignes : téléchargez l’état en CSV ou en Excel (le PDF est limité à ${max} lignes).`,
  ],
  nothing_to_draw_down: [
    409,
    'Aucune dépense payée sur cette période ne reste à demander : toutes sont déjà dans une demande de versement, ou aucune n’a été payée.',
  ],
  drawdown_ceiling_reached: [
    409,
    'Les plafonds annuels de la subvention sont atteints : cette demande ne changerait pas le montant dû.',
  ],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    'grant-reports': typeof GRANT_REPORTS_ERRORS;
  }
}

export const grantReportsError = errorMaker(GRANT_REPORTS_ERRORS);
