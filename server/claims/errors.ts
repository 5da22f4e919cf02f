import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why a claim action is refused: code → [HTTP status, French message, wire code if another]. */
export const CLAIMS_ERRORS = defineErrors('claims', {
  claim_session_cancelled: [
    409,
    'Une des sessions est annulée : aucun frais ne peut être demandé pour elle.',
    'session_cancelled',
  ],
  advance_after_session: [409, 'Une avance se demande avant la session ; après, saisissez une demande ordinaire.'],
  claim_session_not_started: [
    409,
    'La session n’a pas encore commencé : une demande de remboursement se saisit après la session ; avant, seule une avance est possible.',
    'session_not_started',
  ],
  attendance_requires_override: [
    409,
    'La présence de cette personne n’est pas enregistrée pour toutes les sessions. Pour saisir la demande quand même, indiquez une raison.',
  ],
  absent_advance_requires_override: [
    409,
    'La personne n’a assisté à aucune session : tout ce qui a été avancé est à récupérer. Pour retenir des frais quand même, indiquez une raison.',
    'attendance_requires_override',
  ],
  claim_not_draft: [409, 'Seul un brouillon peut être modifié.'],
  claim_already_submitted: [409, 'Cette demande a déjà été transmise.', 'claim_not_draft'],
  claim_changed: [409, 'La demande a été modifiée entre-temps : rechargez-la.'],
  claim_empty: [409, 'Ajoutez au moins une ligne avant de transmettre la demande.'],
  not_claim_decider: [403, 'Seuls le service financier et le chef de ce projet décident de ses demandes.', 'forbidden'],
  separation_of_duties: [
    409,
    ({ hands }: { hands: string }) =>
      `Vous êtes intervenu·e sur cette demande (${hands}) : une autre personne doit la décider.`,
  ],
  claim_already_decided: [409, 'Cette demande a déjà été décidée.'],
  claim_cancelled: [409, 'Cette demande est annulée.'],
  claim_not_submitted: [409, 'La demande doit être transmise avant d’être décidée.'],
  receipt_reuse_unacknowledged: [
    409,
    'Un justificatif sert aussi à d’autres lignes : confirmez que vous l’avez vérifié (receiptReuseAcknowledged).',
  ],
  receipt_requires_override: [
    409,
    'Des lignes accordées n’ont pas de justificatif. Pour les accorder quand même, indiquez une raison.',
  ],
  receipts_frozen: [
    409,
    'Cette demande est déjà décidée : ses justificatifs ne changent plus.',
    'claim_already_decided',
  ],
  claim_not_decided: [409, 'La demande n’est pas encore décidée.'],
  advance_not_decided: [409, 'L’avance doit être accordée avant d’être régularisée.'],
  advance_already_settled: [409, 'Cette avance est déjà régularisée.'],
  session_not_over: [409, 'La régularisation se fait après la session.'],
  claim_in_batch: [409, 'Cette demande est déjà dans un lot de paiement : elle ne peut plus être annulée.'],
  evidence_archived_restricted: [
    403,
    'Cette personne est archivée : seul le service financier peut obtenir ce dossier.',
    'archived_restricted',
  ],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    claims: typeof CLAIMS_ERRORS;
  }
}

export const claimsError = errorMaker(CLAIMS_ERRORS);
