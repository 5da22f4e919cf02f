import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { USER_ADMINS } from './policy.js';
import { notFound } from '../shared/errors.js';
import {
  PasswordReset,
  UserCreateBody,
  UserCreated,
  UserIdParams,
  UserList,
  UserListQuery,
  UserPatchBody,
  UserView,
} from './schemas.js';
import { getUser, listUsers } from './repo.js';
import { presentUser } from './presenter.js';
import { createUser, resetPassword, updateUser } from './manage-users.js';

export function userRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/users',
      access: USER_ADMINS,
      tags: ['users'],
      summary: 'Staff accounts: search (q), filters (role, active), sort (name, email, createdAt), cursor pagination',
      query: UserListQuery,
      responses: { 200: { description: 'A page of accounts', schema: UserList } },
      handler: async (req, res) => {
        const page = await listUsers(deps.db, req.query);
        res.json({ items: page.items.map(presentUser), nextCursor: page.nextCursor });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/users',
      access: USER_ADMINS,
      tags: ['users'],
      summary: 'Create a staff account (a password is generated when none is given)',
      body: UserCreateBody,
      responses: { 201: { description: 'Created', schema: UserCreated } },
      errors: ['email_taken'],
      handler: async (req, res) => {
        res.status(201).json(await createUser(deps, req.ctx.acting, req.body));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/users/:id',
      access: USER_ADMINS,
      tags: ['users'],
      summary: 'One staff account',
      params: UserIdParams,
      responses: { 200: { description: 'Account', schema: UserView } },
      handler: async (req, res) => {
        const user = await getUser(deps.db, req.params.id);
        if (!user) throw notFound('Compte');
        res.json(presentUser(user));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/users/:id',
      access: USER_ADMINS,
      tags: ['users'],
      summary: 'Change name, roles or deactivate/reactivate (one active admin always remains)',
      params: UserIdParams,
      body: UserPatchBody,
      responses: { 200: { description: 'Account', schema: UserView } },
      errors: ['last_admin'],
      handler: async (req, res) => {
        res.json(await updateUser(deps, req.ctx.acting, { userId: req.params.id, patch: req.body }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/users/:id/reset-password',
      access: USER_ADMINS,
      tags: ['users'],
      summary: 'Reset a password: a new one is generated and shown once; sessions are closed',
      params: UserIdParams,
      responses: { 200: { description: 'New temporary password', schema: PasswordReset } },
      handler: async (req, res) => {
        res.json(await resetPassword(deps, req.ctx.acting, req.params.id));
      },
    }),
  ];
}
