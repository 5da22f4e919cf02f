import { Type, type Static } from '@sinclair/typebox';
import { obj, Email, Uuid, Nullable, ListQuery, Label, RecordId } from '../shared/schema.js';
import { Role, RoleList, Password } from '../auth/index.js';

export const UserCreateBody = obj({
  email: Email,
  name: Label({ maxLength: 200 }),
  roles: RoleList,
  password: Type.Optional(Password),
});
export type UserCreateBody = Static<typeof UserCreateBody>;

export const UserPatchBody = obj(
  {
    name: Type.Optional(Label({ maxLength: 200 })),
    roles: Type.Optional(RoleList),
    active: Type.Optional(Type.Boolean()),
  },
  { minProperties: 1 },
);
export type UserPatchBody = Static<typeof UserPatchBody>;

export const UserView = obj({
  id: Uuid,
  email: Email,
  name: Type.String(),
  roles: Type.Array(Role),
  active: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  lastLoginAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
});

export const UserListQuery = obj({
  ...ListQuery,
  q: Type.Optional(Type.String({ maxLength: 100 })),
  role: Type.Optional(Role),
  active: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  sort: Type.Optional(Type.String({ maxLength: 20 })),
});

export const UserList = obj({ items: Type.Array(UserView), nextCursor: Nullable(Type.String()) });
export const UserCreated = obj({
  user: UserView,
  temporaryPassword: Nullable(Type.String({ description: 'Shown once when the server generated it' })),
});
export const PasswordReset = obj({ temporaryPassword: Type.String() });
export const UserIdParams = obj({ id: RecordId('users') });
