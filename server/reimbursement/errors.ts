import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why a reimbursement-rate action is refused: code → [HTTP status, French message, wire code if another]. */
export const REIMBURSEMENT_ERRORS = defineErrors('reimbursement', {
  policy_not_in_force: [
    409,
    ({ date }: { date: string }) => `Aucun barème de remboursement n’était en vigueur le ${date}.`,
  ],
  policy_version_exists: [
    409,
    ({ date }: { date: string }) => `Une version du barème commence déjà le ${date} : choisissez une autre date.`,
  ],
  project_rates_forbidden: [
    403,
    'Seuls le service financier et le chef de ce projet peuvent modifier son barème.',
    'forbidden',
  ],
  organisation_rates_forbidden: [
    403,
    'Seuls le service financier et l’administration peuvent modifier le barème de l’organisation.',
    'forbidden',
  ],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    reimbursement: typeof REIMBURSEMENT_ERRORS;
  }
}

export const reimbursementError = errorMaker(REIMBURSEMENT_ERRORS);
