import type { TSchema } from '@sinclair/typebox';
import { resolveCommune } from '../shared/communes.js';
import { check } from '../shared/validate.js';
import { fieldErrors } from '../shared/pages.js';
import type { ErrorDetail } from '../shared/errors.js';
import type { ParticipantView } from './presenter.js';
import { applyInput, checkParticipant, type ParticipantState } from './rules.js';
import type { ParticipantCreateBody } from './schemas.js';

/** Text fields of the participant form, named as the API fields. */
const TEXT_FIELDS = [
  'civility',
  'firstName',
  'lastName',
  'email',
  'phone',
  'addressLine1',
  'addressLine2',
  'postalCode',
  'communeName',
  'preferredChannel',
  'partnerId',
  'guardianName',
  'guardianEmail',
  'guardianPhone',
  'guardianConsentOn',
  'needsNote',
  'profileAgeBand',
  'profileActivity',
  'profileHousehold',
  'profileCommuneInsee',
  'overrideReason',
] as const;
const NULLABLE = [
  'civility',
  'email',
  'phone',
  'addressLine1',
  'addressLine2',
  'postalCode',
  'partnerId',
  'guardianName',
  'guardianEmail',
  'guardianPhone',
  'guardianConsentOn',
] as const;
const NEEDS_TEXT = ['needsNote'] as const;
const PROFILE_TEXT = ['profileAgeBand', 'profileActivity', 'profileHousehold', 'profileCommuneInsee'] as const;

export type FormValues = Record<string, string | string[]>;

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const list = (v: unknown) =>
  Array.isArray(v) ? v.filter((x) => typeof x === 'string') : typeof v === 'string' && v ? [v] : [];

/**
 * Form strings → an API body. Creation leaves empty fields out; an edit sends them as null
 * (cleared). Needs and profile are sent only when the form showed them (a live consent).
 * The commune is resolved from its name and postal code.
 */
export function inputFromForm(
  form: FormValues,
  options: { mode: 'create' | 'edit'; needs: boolean; profile: boolean },
) {
  const values: FormValues = {};
  for (const f of TEXT_FIELDS) values[f] = str(form[f]);
  values.needs = list(form.needs);
  values.isMinor = form.isMinor === 'on' ? 'on' : '';
  const input: Record<string, unknown> = { firstName: values.firstName, lastName: values.lastName };
  const put = (field: string, value: unknown) => {
    if (value === '' || value === null) {
      if (options.mode === 'edit') input[field] = null;
    } else input[field] = value;
  };
  for (const f of NULLABLE) put(f, values[f]);
  if (values.preferredChannel) input.preferredChannel = values.preferredChannel;
  input.isMinor = values.isMinor === 'on';
  if (options.mode === 'create' && !input.isMinor) delete input.isMinor;
  const errors: Record<string, string> = {};
  const commune = resolveCommune({ name: values.communeName as string, postalCode: values.postalCode as string });
  if ('field' in commune) errors[commune.field === 'communeInsee' ? 'communeName' : commune.field] = commune.message;
  else put('communeInsee', commune.commune?.code ?? null);
  if (options.needs) {
    input.needs = values.needs;
    for (const f of NEEDS_TEXT) put(f, values[f]);
  }
  if (options.profile) for (const f of PROFILE_TEXT) put(f, values[f]);
  if (options.mode === 'create' && form.action === 'override') input.override = { reason: values.overrideReason };
  return { values, input, errors };
}

/** The view's fields as form strings. */
export function formValuesOf(v: ParticipantView): FormValues {
  const out: FormValues = {};
  for (const f of TEXT_FIELDS) {
    const value = (v as unknown as Record<string, unknown>)[f];
    out[f] = value === null || value === undefined ? '' : String(value);
  }
  out.needs = v.needs ?? [];
  out.isMinor = v.isMinor ? 'on' : '';
  return out;
}

/** API error details → messages beside the form fields (the commune field carries the INSEE errors). */
export function formErrors(details: ErrorDetail[]): Record<string, string> {
  return fieldErrors(
    details
      .filter((d) => d.field !== 'duplicates')
      .map((d) => {
        if (d.field === 'communeInsee') return { ...d, field: 'communeName' };
        if (d.field === 'override.reason' || d.field === 'override') return { ...d, field: 'overrideReason' };
        return d;
      }),
  );
}

const CONTACT_FIELDS = ['email', 'phone', 'addressLine1', 'postalCode', 'communeInsee', 'partnerId'];

/**
 * Every problem of a form at once, beside its fields: the schema's, then the participant rules
 * on the fields the schema accepted (a reachability message is left out while a contact field
 * is itself wrong).
 */
export function formProblems(
  schema: TSchema,
  input: Record<string, unknown>,
  base: ParticipantState,
  options: { today: string; chooseChannel: boolean },
): Record<string, string> {
  const checked = check(schema, input);
  const schemaDetails = checked.ok ? [] : checked.details;
  const failed = new Set(schemaDetails.map((d) => d.field.split('.')[0]));
  const accepted = Object.fromEntries(Object.entries(input).filter(([k]) => !failed.has(k)));
  const contactFailed = CONTACT_FIELDS.some((f) => failed.has(f));
  const rules = checkParticipant(applyInput(base, accepted as ParticipantCreateBody), options).details.filter(
    (d) => !failed.has(d.field) && !(contactFailed && (d.field === 'contact' || d.field === 'preferredChannel')),
  );
  return formErrors([...schemaDetails, ...rules]);
}
