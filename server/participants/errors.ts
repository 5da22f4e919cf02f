import { defineErrors, errorMaker } from '../shared/errors.js';

/** Why an action on a participant's record is refused: code → [HTTP status, French message, wire code if another]. */
export const PARTICIPANTS_ERRORS = defineErrors('participants', {
  archived_restricted: [
    403,
    'Cette fiche est archivée : seuls le service financier et le délégué à la protection des données peuvent la consulter.',
  ],
  needs_filter_forbidden: [403, 'Vous ne pouvez pas filtrer sur les besoins des personnes.', 'forbidden'],
  participant_duplicate_requires_override: [
    409,
    'Une fiche semble déjà exister pour cette personne. Vérifiez-la, ou confirmez la création en indiquant le motif.',
  ],
  consent_required: [
    409,
    'La personne doit d’abord donner son consentement pour ces informations (onglet Consentements).',
  ],
  participant_merged: [409, 'Cette fiche a été fusionnée dans une autre : modifiez la fiche conservée.'],
  participant_not_active: [409, 'Cette fiche est archivée ou anonymisée : elle ne peut plus être modifiée.'],
  participant_not_editable: [
    409,
    'Cette fiche est fusionnée, archivée ou anonymisée : elle ne peut plus être modifiée.',
    'participant_not_active',
  ],
  merge_source_merged: [409, 'Une des deux fiches a déjà été fusionnée.', 'participant_merged'],
  merge_source_not_active: [409, 'Seules deux fiches actives peuvent être fusionnées.', 'participant_not_active'],
  import_columns_unmapped: [
    400,
    'Les colonnes du fichier ne peuvent pas être associées aux champs.',
    'validation_failed',
  ],
  import_not_pending: [409, 'Cet import a été annulé ou a expiré : déposez le fichier de nouveau.'],
  import_already_confirmed: [409, 'Cet import a déjà été confirmé.', 'import_not_pending'],
  import_expired: [409, 'Cet aperçu date de plus de 24 heures : déposez le fichier de nouveau.'],
  import_stale: [409, 'Des fiches semblables ont été créées depuis l’aperçu : déposez le fichier de nouveau.'],
});

declare module '../shared/errors.js' {
  interface Catalogues {
    participants: typeof PARTICIPANTS_ERRORS;
  }
}

export const participantsError = errorMaker(PARTICIPANTS_ERRORS);
