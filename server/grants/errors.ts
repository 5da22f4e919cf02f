import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why a grant, budget or expense action is refused: code → [HTTP status, French message, wire code if another]. */
export const GRANTS_ERRORS = defineErrors('grants', {
  budget_exceeded_requires_override: [
    409,
    'Cette dépense dépasserait une ligne budgétaire. Le service financier peut passer outre en indiquant une raison.',
  ],
  version_conflict: [409, 'Ce financement a été modifié entre-temps : rechargez-le avant de recommencer.'],
  budget_line_exists: [409, 'Ce financement a déjà une ligne pour cette catégorie et cette année.'],
  budget_line_in_use: [409, 'Des dépenses sont imputées sur cette ligne : elle ne peut pas être supprimée.'],
  budget_line_invalid: [400, 'Ligne budgétaire invalide :', 'validation_failed'],
  amount_invalid: [400, 'Montant invalide :', 'validation_failed'],
  paid_on_invalid: [400, 'Date de paiement invalide :', 'validation_failed'],
  expense_follows_claim: [
    409,
    'Cette dépense suit la demande de remboursement : elle devient réalisée quand son paiement est fait.',
  ],
  claim_expense_not_cancellable: [
    409,
    'Cette dépense suit la demande de remboursement : annulez la demande elle-même.',
    'expense_follows_claim',
  ],
  expense_cancelled: [409, 'Cette dépense est annulée.'],
  expense_already_paid: [409, ({ paidOn }: { paidOn: string }) => `Cette dépense est déjà payée (le ${paidOn}).`],
  expense_in_drawdown: [
    409,
    'Cette dépense figure déjà dans une demande de versement : son montant ne peut plus changer.',
  ],
  auditor_period_out_of_scope: [
    403,
    ({ from, to }: { from: string; to: string }) =>
      `Votre accès d’auditeur est limité à la période du ${from} au ${to}.`,
    'forbidden',
  ],
  auditor_grant_out_of_scope: [403, 'Votre accès d’auditeur ne couvre pas cette subvention.', 'forbidden'],
  drawn_expense_not_cancellable: [
    409,
    'Cette dépense figure déjà dans une demande de versement : elle ne peut plus être annulée.',
    'expense_in_drawdown',
  ],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    grants: typeof GRANTS_ERRORS;
  }
}

export const grantsError = errorMaker(GRANTS_ERRORS);
