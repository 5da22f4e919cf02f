import { Type, type Static } from '@sinclair/typebox';
import { obj, Email, Uuid, Nullable, Label, Secret, RecordId } from '../shared/schema.js';
import { ROLES } from '../shared/authorize.js';
import { PASSWORD_MIN_LENGTH } from './passwords.js';

export const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));
export const RoleList = Type.Array(Role, { minItems: 1, uniqueItems: true });

export const LoginBody = obj({
  email: Label({ minLength: 3, maxLength: 254 }),
  password: Secret({ minLength: 1, maxLength: 1024 }),
});

export const Password = Secret({ minLength: PASSWORD_MIN_LENGTH, maxLength: 1024 });

export const ChangePasswordBody = obj({
  currentPassword: Secret({ minLength: 1, maxLength: 1024 }),
  newPassword: Password,
});

export const Me = obj({
  id: Uuid,
  email: Email,
  name: Type.String(),
  roles: Type.Array(Role),
  mustChangePassword: Type.Boolean(),
});

export const MeResponse = obj({
  user: Me,
  via: Type.Union([Type.Literal('session'), Type.Literal('token')]),
  csrfToken: Nullable(Type.String()),
});

export const TokenCreateBody = obj({
  name: Label({ maxLength: 100 }),
  roles: RoleList,
  expiresOn: Type.Optional(Nullable(Type.String({ format: 'date' }))),
});
export type TokenCreateBody = Static<typeof TokenCreateBody>;

export const TokenView = obj({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  roles: Type.Array(Role),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
});

export const TokenCreated = obj({ token: Type.String({ description: 'Shown once; store it now.' }), item: TokenView });
export const TokenList = obj({ items: Type.Array(TokenView) });
export const IdParams = obj({ id: RecordId('api_tokens') });
