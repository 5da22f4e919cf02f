import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why a payment action is refused: code → [HTTP status, French message, wire code if another]. */
export const PAYMENTS_ERRORS = defineErrors('payments', {
  no_claims_to_batch: [
    409,
    'Aucune demande à payer ne correspond à ce choix (ou elles sont déjà dans un lot en cours de création).',
  ],
  claim_not_payable: [
    409,
    ({ references }: { references: string }) =>
      `Seules les demandes accordées, avec un montant à payer, et pas encore dans un lot peuvent être payées : ${references}.`,
  ],
  claim_in_another_batch: [409, 'Une de ces demandes est déjà dans un autre lot.'],
  batch_decided_by_builder: [
    409,
    ({ references }: { references: string }) =>
      `Vous avez décidé ces demandes : une autre personne doit les mettre en paiement (${references}). Cette règle se règle dans les paramètres de l’organisation.`,
    'separation_of_duties',
  ],
  claims_payee_without_iban: [
    409,
    ({ references }: { references: string }) =>
      `Ces demandes n’ont pas de bénéficiaire avec un IBAN : payez-les en espèces ou par chèque (lot « cash ») ou complétez les coordonnées bancaires (${references}).`,
    'payee_without_iban',
  ],
  own_iban_requires_override: [
    409,
    ({ references }: { references: string }) =>
      `Ces demandes seraient virées sur le compte de l’organisme lui-même (son IBAN est celui du compte à débiter) : ${references}. Vérifiez les coordonnées bancaires ; si c’est voulu, confirmez en indiquant le motif.`,
  ],
  batch_not_open: [409, 'Ce lot est annulé : il ne peut plus être exporté.'],
  batch_exported_cannot_cancel: [
    409,
    'Ce lot est exporté : son fichier est peut-être déjà à la banque. Annulez-le avec un motif (« annuler après export »).',
    'batch_not_open',
  ],
  batch_not_open_cannot_cancel: [409, 'Seul un lot ouvert peut être annulé.', 'batch_not_open'],
  debtor_not_configured: [
    409,
    'Renseignez l’IBAN du compte à débiter dans les paramètres de l’organisation avant d’exporter un fichier de virement.',
  ],
  batch_payee_without_iban: [
    409,
    'Des bénéficiaires de ce lot n’ont plus d’IBAN : annulez le lot et refaites-le.',
    'payee_without_iban',
  ],
  sepa_payee_name_empty: [
    409,
    ({ who }: { who: string }) =>
      `Le fichier de virement ne peut pas être produit : le nom du bénéficiaire ${who} ne contient aucun caractère utilisable par la banque (alphabet latin). Indiquez sur sa fiche le nom du titulaire du compte en lettres latines, puis exportez de nouveau.`,
    'sepa_field_empty',
  ],
  sepa_field_empty: [
    409,
    'Le fichier de virement ne peut pas être produit : le nom de l’organisme ou du compte à débiter ne contient aucun caractère utilisable par la banque (alphabet latin). Corrigez-le dans les paramètres.',
  ],
  payment_file_erased: [
    410,
    ({ sha256 }: { sha256: string }) =>
      `Le fichier de virement de ce lot a été effacé avec les données des personnes (fin de la durée de conservation). Il reste son empreinte SHA-256 : ${sha256}.`,
  ],
  batch_not_exported: [409, 'Ce lot n’est pas exporté : annulez-le simplement.'],
  batch_not_exported_cannot_void: [
    409,
    'Seul un lot exporté, pas encore payé, peut être annulé après export.',
    'batch_not_exported',
  ],
  batch_partly_paid: [409, 'Des paiements de ce lot sont déjà marqués payés : signalez plutôt les rejets un par un.'],
  batch_open_no_files: [409, 'Exportez le lot pour obtenir ses fichiers.', 'batch_not_exported'],
  batch_cancelled_no_files: [
    409,
    'Ce lot est annulé : ses fichiers ne doivent pas être envoyés.',
    'batch_not_exported',
  ],
  sepa_not_available: [409, 'Renseignez l’IBAN du compte à débiter dans les paramètres.'],
  cash_batch_no_sepa: [409, 'Un lot en espèces ou chèques n’a pas de fichier de virement.', 'sepa_not_available'],
  batch_open_no_evidence: [409, 'Exportez le lot pour obtenir son dossier de pièces.', 'batch_not_exported'],
  batch_cancelled_no_evidence: [409, 'Ce lot est annulé : il n’a pas de dossier de pièces.', 'batch_not_exported'],
  batch_open_cannot_pay: [409, 'Exportez le lot avant de le marquer payé.', 'batch_not_exported'],
  batch_cancelled_cannot_pay: [409, 'Ce lot est annulé : il ne peut pas être payé.', 'batch_not_exported'],
  payment_rejected: [
    409,
    'Un paiement rejeté par la banque ne peut pas être marqué payé : ses demandes iront dans un nouveau lot.',
  ],
  payment_already_rejected: [409, 'Ce paiement est déjà signalé rejeté, avec un autre motif.'],
  batch_not_exported_cannot_reject: [
    409,
    'Seul le paiement d’un lot exporté peut être rejeté par la banque.',
    'batch_not_exported',
  ],
  payment_not_paid: [
    409,
    'Ce paiement n’est pas encore fait : l’attestation sera disponible une fois le lot marqué payé.',
  ],
  payment_rejected_no_certificate: [
    409,
    'Ce paiement a été rejeté par la banque : il n’y a rien à attester.',
    'payment_not_paid',
  ],
  nothing_to_certify: [409, 'Ce paiement ne contient pas de remboursement de frais.'],
  no_allowance_to_certify: [409, 'Ce paiement ne contient pas d’indemnité de participation.', 'nothing_to_certify'],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    payments: typeof PAYMENTS_ERRORS;
  }
}

export const paymentsError = errorMaker(PAYMENTS_ERRORS);
