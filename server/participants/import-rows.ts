import type { ErrorDetail } from '../shared/errors.js';
import { check } from '../shared/validate.js';
import { foldName, resolveCommune } from '../shared/communes.js';
import { ParticipantCreateBody } from './schemas.js';
import { applyInput, checkParticipant, EMPTY_STATE, type ParticipantState } from './rules.js';
import type { ImportField } from './import-parse.js';

const CIVILITIES: Record<string, string> = {
  mme: 'mme',
  madame: 'mme',
  mlle: 'mme',
  mademoiselle: 'mme',
  m: 'm',
  mr: 'm',
  monsieur: 'm',
  mx: 'mx',
};
const CHANNELS: Record<string, string> = {
  email: 'email',
  'e mail': 'email',
  courriel: 'email',
  mail: 'email',
  telephone: 'phone',
  tel: 'phone',
  phone: 'phone',
  sms: 'phone',
  courrier: 'letter',
  lettre: 'letter',
  letter: 'letter',
  poste: 'letter',
  'courrier postal': 'letter',
  'structure relais': 'partner',
  structure: 'partner',
  partenaire: 'partner',
  partner: 'partner',
  association: 'partner',
};
const YES = new Set(['oui', 'o', 'x', '1', 'vrai', 'true', 'yes']);
const NO = new Set(['non', 'n', '0', 'faux', 'false', 'no']);

// Import reports keep messages, never the values read (no personal data in reports: docs/domain.md#imports).
const COMMUNE_MESSAGES: Record<string, string> = {
  communeInsee: 'code INSEE inconnu',
  communeName: 'commune inconnue ou qui ne correspond pas au code postal',
  postalCode: 'plusieurs communes portent ce nom : indiquez le code postal',
};

/**
 * Turns one spreadsheet row into a participant, checked with the same rules as a creation.
 * `partners` maps folded partner names to ids. Returns the state or the row's errors.
 */
export function rowToParticipant(
  values: Partial<Record<ImportField, string>>,
  partners: Map<string, string>,
  today: string,
): { state: ParticipantState | null; details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  const input: Record<string, unknown> = {};
  for (const f of [
    'firstName',
    'lastName',
    'email',
    'phone',
    'addressLine1',
    'addressLine2',
    'postalCode',
    'guardianName',
    'guardianEmail',
    'guardianPhone',
  ] as const) {
    if (values[f] !== undefined) input[f] = values[f];
  }
  if (values.civility) {
    const c = CIVILITIES[foldName(values.civility).replace(/\s/g, '')];
    if (c) input.civility = c;
    else details.push({ field: 'civility', message: 'valeur inconnue (Madame, Monsieur ou Mx)' });
  }
  if (values.preferredChannel) {
    const c = CHANNELS[foldName(values.preferredChannel)];
    if (c) input.preferredChannel = c;
    else
      details.push({
        field: 'preferredChannel',
        message: 'canal inconnu (e-mail, téléphone, courrier ou structure relais)',
      });
  }
  if (values.isMinor) {
    const v = foldName(values.isMinor);
    if (YES.has(v)) input.isMinor = true;
    else if (!NO.has(v)) details.push({ field: 'isMinor', message: 'doit être « oui » ou « non »' });
  }
  if (values.partner) {
    const id = partners.get(foldName(values.partner));
    if (id) input.partnerId = id;
    else details.push({ field: 'partnerId', message: 'structure relais inconnue ou désactivée' });
  }
  const commune = resolveCommune({
    insee: values.communeInsee,
    name: values.communeName,
    postalCode: values.postalCode,
  });
  if ('field' in commune) details.push({ field: commune.field, message: COMMUNE_MESSAGES[commune.field] });
  else if (commune.commune) input.communeInsee = commune.commune.code;

  const checked = check(ParticipantCreateBody, input);
  if (!checked.ok) details.push(...checked.details);
  const rules = checkParticipant(applyInput(EMPTY_STATE, input as ParticipantCreateBody), {
    today,
    chooseChannel: !input.preferredChannel,
  });
  for (const d of rules.details) if (!details.some((x) => x.field === d.field)) details.push(d);
  return details.length ? { state: null, details } : { state: rules.state, details: [] };
}

/** Keys under which two rows are likely the same person (as `findDuplicates` in repo.ts). */
export function duplicateKeys(s: ParticipantState): { key: string; label: string }[] {
  return [
    ...(s.email ? [{ key: `email:${s.email.toLowerCase()}`, label: 'même adresse e-mail' }] : []),
    ...(s.phone ? [{ key: `phone:${s.phone}`, label: 'même téléphone' }] : []),
    ...(s.firstName && s.lastName && s.communeInsee
      ? [
          {
            key: `name:${s.lastName.toLowerCase()}|${s.firstName.toLowerCase()}|${s.communeInsee}`,
            label: 'mêmes nom et prénom dans la même commune',
          },
        ]
      : []),
  ];
}
