import { Ajv, type AnySchemaObject, type ErrorObject, type SchemaValidateFunction, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import localizeModule from 'ajv-i18n';
import type { Static, TSchema } from '@sinclair/typebox';
import { AppError, type ErrorDetail } from './errors.js';
import { isValidIban, isValidBic, isValidSiret, isValidTimeZone, isValidLocalDate } from './validators.js';

// CommonJS packages seen through ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (a: Ajv) => void;
const localizeFr = (
  (localizeModule as unknown as { default?: { fr: (e: ErrorObject[]) => void } }).default ??
  (localizeModule as unknown as { fr: (e: ErrorObject[]) => void })
).fr;

export const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false, useDefaults: true });
addFormats(ajv);
// Strict formats: a calendar day that exists, an instant that says its offset.
ajv.addFormat('date', { type: 'string', validate: isValidLocalDate });
ajv.addFormat('date-time', {
  type: 'string',
  validate: (s: string) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) &&
    !Number.isNaN(Date.parse(s)) &&
    isValidLocalDate(s.slice(0, 10)),
});
ajv.addFormat('iban', { type: 'string', validate: isValidIban });
ajv.addFormat('bic', { type: 'string', validate: isValidBic });
ajv.addFormat('siret', { type: 'string', validate: isValidSiret });
ajv.addFormat('timezone', { type: 'string', validate: isValidTimeZone });
ajv.addKeyword({ keyword: 'x-label', schemaType: 'string' });
ajv.addKeyword({ keyword: 'x-record', schemaType: 'string' });
// How a typed string is read (shared/schema.ts `Name`, `Text`, `Secret`): a name is trimmed of
// every Unicode space in place, and a blank one is refused when the field may not be empty — so
// "   " or a no-break space never reaches a database CHECK as a 500.
ajv.addKeyword({
  keyword: 'x-text',
  type: 'string',
  schemaType: 'string',
  modifying: true,
  errors: true,
  validate: function xText(
    kind: string,
    data: string,
    parentSchema?: AnySchemaObject,
    cxt?: Parameters<SchemaValidateFunction>[3],
  ) {
    if (kind !== 'name') return true;
    const trimmed = data.trim();
    if (trimmed !== data && cxt?.parentData)
      (cxt.parentData as Record<string | number, unknown>)[cxt.parentDataProperty] = trimmed;
    if (trimmed === '' && ((parentSchema?.minLength as number | undefined) ?? 0) > 0) {
      (xText as unknown as { errors: Partial<ErrorObject>[] }).errors = [
        { keyword: 'x-text', message: 'must not be blank', params: {} },
      ];
      return false;
    }
    return true;
  },
});

const FORMAT_MESSAGES: Record<string, string> = {
  email: 'doit être une adresse e-mail valide',
  date: 'doit être une date existante au format AAAA-MM-JJ',
  'date-time': 'doit être un instant ISO 8601 avec son décalage horaire (ex. 2026-03-12T14:00:00+01:00)',
  uuid: 'doit être un identifiant (UUID) valide',
  iban: 'doit être un IBAN valide',
  bic: 'doit être un BIC valide (8 ou 11 caractères)',
  siret: 'doit être un numéro SIRET valide (14 chiffres, clé de contrôle correcte)',
  timezone: 'doit être un fuseau horaire connu (ex. Europe/Paris)',
};

const compiled = new WeakMap<object, ValidateFunction>();

function compile(schema: TSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

function fieldOf(e: ErrorObject): string {
  const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const join = (child: string) => (base ? `${base}.${child}` : child);
  if (e.keyword === 'required') return join((e.params as { missingProperty: string }).missingProperty);
  if (e.keyword === 'additionalProperties')
    return join((e.params as { additionalProperty: string }).additionalProperty);
  return base || '(corps)';
}

function messageOf(e: ErrorObject): string {
  if (e.keyword === 'format') {
    const format = (e.params as { format: string }).format;
    if (FORMAT_MESSAGES[format]) return FORMAT_MESSAGES[format];
  }
  if (e.keyword === 'x-text') return 'ne doit pas être vide ni ne contenir que des espaces';
  if (e.keyword === 'additionalProperties') return 'champ inconnu';
  if (e.keyword === 'required') return 'champ obligatoire';
  return e.message ?? 'valeur invalide';
}

/** Turns ajv errors into one French message per field (the first for each field). */
export function toDetails(errors: ErrorObject[] | null | undefined): ErrorDetail[] {
  if (!errors?.length) return [];
  const localized = errors.map((e) => ({ ...e }));
  localizeFr(localized);
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  // anyOf/oneOf wrappers repeat the real cause; keep the precise errors first.
  for (const e of localized.filter((x) => !['anyOf', 'oneOf', 'if'].includes(x.keyword))) {
    const field = fieldOf(e);
    if (seen.has(field)) continue;
    seen.add(field);
    details.push({ field, message: messageOf(e) });
  }
  if (!details.length) details.push({ field: fieldOf(localized[0]), message: messageOf(localized[0]) });
  return details;
}

/** Validates `value` against `schema`; throws a 400 naming each wrong field. */
export function validate<S extends TSchema>(schema: S, value: unknown): Static<S> {
  const fn = compile(schema);
  if (!fn(value)) throw new AppError('validation_failed', undefined, toDetails(fn.errors));
  return value as Static<S>;
}

/** Like `validate`, but returns the details instead of throwing (for forms re-rendered with messages). */
export function check<S extends TSchema>(
  schema: S,
  value: unknown,
): { ok: true; value: Static<S> } | { ok: false; details: ErrorDetail[] } {
  const fn = compile(schema);
  return fn(value) ? { ok: true, value: value as Static<S> } : { ok: false, details: toDetails(fn.errors) };
}
