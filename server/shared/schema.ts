import { Type, type TProperties, type ObjectOptions, type StringOptions } from '@sinclair/typebox';

/** A closed object: unknown fields are a 400, not silently ignored. */
export function obj<T extends TProperties>(properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/**
 * How a typed string is read (`x-text`, applied by ajv in shared/validate.ts on every request
 * body, query and form): every string a person types into a write route declares one of these (`Label`, `FreeText`, `Secret`),
 * or a format, a pattern or a list of values (test/http/text-input.test.ts walks the routes).
 * - `name`: names, titles, labels, references: trimmed of every Unicode space (the no-break
 *   ones included), and refused when blank if the field may not be empty (`minLength`);
 * - `text`: free text where spaces are content (notes, descriptions, reasons, addresses): kept
 *   as typed, refused only when empty (`minLength`);
 * - `secret`: passwords and tokens: kept as typed, refused only when empty.
 */
export type TextKind = 'name' | 'text' | 'secret';

/** A name, title or label: trimmed, never blank (give `minLength: 0` for an optional label that may be cleared). */
export const Label = (options: StringOptions & { maxLength: number }) =>
  Type.String({ minLength: 1, ...options, 'x-text': 'name' });
/** Free text where spaces are content: kept as typed. */
export const FreeText = (options: StringOptions & { maxLength: number }) =>
  Type.String({ ...options, 'x-text': 'text' });
/** A password or a token: kept as typed, refused when empty. */
export const Secret = (options: StringOptions & { maxLength: number }) =>
  Type.String({ minLength: 1, ...options, 'x-text': 'secret' });

export const Uuid = Type.String({ format: 'uuid' });
/**
 * The id of a row of `table`, in a route's path parameters: the HTTP layer reads the type to
 * guard what the row reveals (privacy/archive-door.ts: a row of an archived person is for
 * finance and the DPO, each access audited). test/privacy/archive-door.test.ts fails on a path
 * parameter that declares no record type.
 */
export const RecordId = (table: string) => Type.String({ format: 'uuid', 'x-record': table });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
/** The one schema of an amount sent in: integer cents, never negative, at most `maximum` (each field sets its bound). */
export const CentsUpTo = (maximum: number, description?: string) =>
  Type.Integer({ minimum: 0, maximum, ...(description ? { description } : {}) });
/** An amount up to 100 million euros. */
export const Cents = CentsUpTo(100_000_000_00);

export const ListQuery = {
  limit: Type.Optional(
    Type.String({ pattern: '^(?:[1-9]|[1-9][0-9]|1[0-9][0-9]|200)$', description: '1 to 200 (default 50)' }),
  ),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
};

export const ErrorBody = obj({
  error: obj({
    code: Type.String(),
    message: Type.String(),
    details: Type.Array(obj({ field: Type.String(), message: Type.String() })),
  }),
});
