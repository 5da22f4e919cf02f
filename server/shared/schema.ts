import { Type, type TProperties, type ObjectOptions } from '@sinclair/typebox';

/** A closed object: unknown fields are a 400, not silently ignored. */
export function obj<T extends TProperties>(properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

export const Uuid = Type.String({ format: 'uuid' });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const Cents = Type.Integer({ minimum: 0, maximum: 100_000_000_00 });

export const ListQuery = {
  limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]|[1-9][0-9]|1[0-9][0-9]|200)$', description: '1 to 200 (default 50)' })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
};

export const ErrorBody = obj({
  error: obj({
    code: Type.String(),
    message: Type.String(),
    details: Type.Array(obj({ field: Type.String(), message: Type.String() })),
  }),
});
