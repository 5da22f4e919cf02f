/** French labels of the privacy codes, for pages, PDFs and CSV files. */
export const REQUEST_KIND_LABELS: Record<string, string> = {
  access: 'Accès aux données',
  rectification: 'Rectification',
  erasure: 'Effacement',
  objection: 'Opposition',
};

export const CHANNEL_LABELS: Record<string, string> = {
  mail: 'Courrier',
  email: 'Courriel',
  phone: 'Téléphone',
  in_person: 'En personne',
  partner: 'Par la structure relais',
};

export const OUTCOME_LABELS: Record<string, string> = {
  answered: 'Réponse apportée',
  data_exported: 'Copie des données remise',
  rectified: 'Données rectifiées',
  anonymised: 'Données anonymisées',
  archived_legal_retention: 'Données archivées (obligation comptable, art. 17.3.b RGPD)',
  objection_upheld: 'Opposition prise en compte',
  refused_unfounded: 'Refusée : demande infondée ou excessive',
  refused_identity_unverified: 'Refusée : identité non vérifiée',
  refused_other: 'Refusée : autre motif',
};

export const ERASURE_REASON_LABELS: Record<string, string> = {
  erasure_request: 'Demande d’effacement de la personne',
  consent_withdrawn: 'Retrait du consentement',
  objection: 'Opposition de la personne',
  purpose_ended: 'Finalité atteinte, données plus nécessaires',
  unlawful_processing: 'Traitement illicite',
};

export const STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  archived: 'Archivée (accès restreint)',
  anonymised: 'Anonymisée',
  open: 'En cours',
  completed: 'Traitée',
  refused: 'Refusée',
};

export const STEP_LABELS: Record<string, string> = { archive: 'Archivage', anonymise: 'Anonymisation' };

export const CATEGORY_LABELS: Record<string, string> = {
  identity: 'Identité',
  contact: 'Coordonnées',
  relationship: 'Structure relais',
  bank: 'Coordonnées bancaires',
  special_category_health: 'Besoins (données de santé, art. 9)',
  profile: 'Profil (représentativité)',
  consent_record: 'Preuves de consentement',
  evidence: 'Documents justificatifs',
  free_text: 'Texte libre',
  request_record: 'Demandes d’exercice des droits',
  lifecycle: 'Dates de contact',
  pseudonymous_id: 'Identifiant pseudonyme',
  staff_identity: 'Identité du personnel',
  authentication: 'Données d’authentification',
  technical: 'Données techniques de connexion',
};

export const TABLE_LABELS: Record<string, string> = {
  participants: 'Participants',
  payees: 'Bénéficiaires',
  consents: 'Consentements',
  files: 'Documents',
  privacy_requests: 'Demandes',
};

export const ACTION_LABELS: Record<string, string> = {
  'participant.exported': 'Export des données d’une personne',
  'participant.archived_read': 'Consultation de données archivées',
  'privacy.register_exported': 'Export du registre des traitements',
};

/** Words of the letters to the person (plain French). */
export const NEED_LABELS: Record<string, string> = {
  step_free_access: 'accès sans marche',
  hearing_loop: 'boucle magnétique',
  sign_language: 'interprète en langue des signes',
  large_print: 'documents en gros caractères',
  childcare: 'garde d’enfants',
  accompanying_person: 'personne qui vous accompagne',
  other: 'autre besoin',
};
export const ACTIVITY_LABELS: Record<string, string> = {
  in_work: 'en emploi',
  job_seeker: 'en recherche d’emploi',
  student: 'en études ou en formation',
  retired: 'à la retraite',
  other: 'autre situation',
};
export const HOUSEHOLD_LABELS: Record<string, string> = {
  single: 'personne seule',
  couple: 'en couple',
  with_children: 'avec enfants',
  single_parent: 'parent seul avec enfants',
};
export const PREFERRED_CHANNEL_LABELS: Record<string, string> = {
  email: 'par courriel',
  phone: 'par téléphone',
  letter: 'par courrier',
  partner: 'par la structure qui vous accompagne',
};
export const CONSENT_CHANNEL_LABELS: Record<string, string> = {
  paper: 'formulaire papier signé',
  oral: 'à l’oral, devant un agent',
  online: 'en ligne',
  email: 'par courriel',
  phone: 'par téléphone',
};
export const LEGAL_BASIS_LABELS: Record<string, string> = {
  consent: 'votre accord',
  explicit_consent: 'votre accord exprès (données de santé)',
  public_task: 'mission de service public',
  legal_obligation: 'obligation légale',
  legitimate_interest: 'intérêt légitime',
};
export const PAYEE_KIND_LABELS: Record<string, string> = {
  participant: 'vous-même',
  legal_representative: 'votre représentant légal',
  childcare_provider: 'le mode de garde',
  partner: 'la structure qui vous accompagne',
};
export const CIVILITY_LABELS: Record<string, string> = { mme: 'Madame', m: 'Monsieur', mx: 'Mx' };

/** Legal bases as the processing register names them (GDPR articles). */
export const REGISTER_LEGAL_BASIS_LABELS: Record<string, string> = {
  consent: 'Consentement (art. 6.1.a)',
  explicit_consent: 'Consentement exprès (art. 9.2.a)',
  public_task: 'Mission d’intérêt public (art. 6.1.e)',
  legal_obligation: 'Obligation légale (art. 6.1.c)',
  legitimate_interest: 'Intérêt légitime (art. 6.1.f)',
};
