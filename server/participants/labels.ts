/** French labels of participant fields and values, for pages, timelines and import reports. */
export const FIELD_LABELS: Record<string, string> = {
  civility: 'Civilité',
  firstName: 'Prénom',
  lastName: 'Nom',
  email: 'Adresse e-mail',
  phone: 'Téléphone',
  addressLine1: 'Adresse',
  addressLine2: 'Complément d’adresse',
  postalCode: 'Code postal',
  communeInsee: 'Commune (code INSEE)',
  communeName: 'Commune',
  preferredChannel: 'Canal préféré',
  partnerId: 'Structure relais',
  isMinor: 'Personne mineure',
  guardianName: 'Représentant légal',
  guardianEmail: 'E-mail du représentant légal',
  guardianPhone: 'Téléphone du représentant légal',
  guardianConsentOn: 'Date de l’accord du représentant légal',
  needs: 'Besoins',
  needsNote: 'Précisions sur les besoins',
  profileAgeBand: 'Tranche d’âge',
  profileActivity: 'Activité',
  profileHousehold: 'Foyer',
  profileCommuneInsee: 'Commune (profil)',
  contact: 'Moyen de contact',
  duplicates: 'Doublon probable',
  override: 'Motif',
};

export const CIVILITY_LABELS: Record<string, string> = { mme: 'Madame', m: 'Monsieur', mx: 'Mx' };
export const CHANNEL_LABELS: Record<string, string> = {
  email: 'E-mail',
  phone: 'Téléphone',
  letter: 'Courrier',
  partner: 'Par la structure relais',
};
export const NEED_LABELS: Record<string, string> = {
  step_free_access: 'Accès sans marche',
  hearing_loop: 'Boucle magnétique',
  sign_language: 'Interprète en langue des signes',
  large_print: 'Documents en gros caractères',
  childcare: 'Garde d’enfants',
  accompanying_person: 'Personne accompagnante',
  other: 'Autre besoin',
};
export const AGE_BAND_LABELS: Record<string, string> = {
  '16-24': '16 à 24 ans',
  '25-29': '25 à 29 ans',
  '30-44': '30 à 44 ans',
  '45-59': '45 à 59 ans',
  '60-74': '60 à 74 ans',
  '75+': '75 ans et plus',
};
export const ACTIVITY_LABELS: Record<string, string> = {
  in_work: 'En emploi',
  job_seeker: 'En recherche d’emploi',
  student: 'Études ou formation',
  retired: 'Retraite',
  other: 'Autre situation',
};
export const HOUSEHOLD_LABELS: Record<string, string> = {
  single: 'Seul·e',
  couple: 'En couple',
  with_children: 'Avec enfants',
  single_parent: 'Parent seul avec enfants',
};
export const STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  archived: 'Archivée',
  anonymised: 'Anonymisée',
};

export const options = (labels: Record<string, string>, empty?: string) => [
  ...(empty !== undefined ? [{ value: '', label: empty }] : []),
  ...Object.entries(labels).map(([value, label]) => ({ value, label })),
];
