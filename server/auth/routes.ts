import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AUTHENTICATED, PUBLIC } from '../shared/authorize.js';
import { notFound } from '../shared/errors.js';
import { recordAudit } from '../audit/index.js';
import {
  ChangePasswordBody,
  IdParams,
  LoginBody,
  MeResponse,
  TokenCreateBody,
  TokenCreated,
  TokenList,
  TokenView,
} from './schemas.js';
import { login } from './login.js';
import { closeSession, openSession } from './sessions.js';
import { changeOwnPassword } from './change-password.js';
import { createToken, listTokens, revokeToken } from './tokens.js';
import * as repo from './repo.js';
import { authError } from './errors.js';

async function me(deps: Deps, userId: string) {
  const user = await repo.findUserById(deps.db, userId);
  if (!user) throw notFound('Compte');
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    mustChangePassword: user.must_change_password,
  };
}

export function authRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      access: PUBLIC,
      summary: 'Sign in with e-mail and password; sets the session cookie',
      tags: ['auth'],
      body: LoginBody,
      responses: {
        200: { description: 'Signed in', schema: MeResponse },
        401: { description: 'Wrong e-mail or password' },
        429: { description: 'Too many attempts' },
      },
      handler: async (req, res) => {
        const { userId } = await login(deps, req.ctx.acting, { ...req.body, ip: req.ctx.ip });
        await closeSession(deps, req, res); // a new session id at every login
        const { csrfToken } = await openSession(deps, res, userId);
        res.json({ user: await me(deps, userId), via: 'session', csrfToken });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      access: AUTHENTICATED,
      summary: 'Sign out (ends the session)',
      tags: ['auth'],
      responses: { 204: { description: 'Signed out' } },
      handler: async (req, res) => {
        if (req.ctx.actor?.via === 'session') {
          await recordAudit(deps.db, req.ctx.acting, {
            action: 'auth.logout',
            recordType: 'user',
            recordId: req.ctx.actor.userId,
          });
        }
        await closeSession(deps, req, res);
        res.status(204).end();
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/me',
      access: AUTHENTICATED,
      summary: 'Who am I (with the roles in effect for this session or token)',
      tags: ['auth'],
      responses: { 200: { description: 'Current user', schema: MeResponse } },
      handler: async (req, res) => {
        const actor = req.ctx.actor!;
        const user = await me(deps, actor.userId);
        res.json({ user: { ...user, roles: actor.roles }, via: actor.via, csrfToken: actor.csrfToken });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/password',
      access: AUTHENTICATED,
      summary: 'Change my password (other sessions are closed)',
      tags: ['auth'],
      body: ChangePasswordBody,
      responses: { 204: { description: 'Changed' } },
      errors: ['password_change_by_token'],
      handler: async (req, res) => {
        const actor = req.ctx.actor!;
        if (actor.via !== 'session') throw authError('password_change_by_token');
        await changeOwnPassword(deps, req.ctx.acting, { ...req.body, keepSessionId: actor.sessionId });
        res.status(204).end();
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/tokens',
      access: AUTHENTICATED,
      summary: 'My API tokens (an admin sees everyone’s)',
      tags: ['auth'],
      responses: { 200: { description: 'Tokens', schema: TokenList } },
      handler: async (req, res) => {
        res.json({ items: await listTokens(deps, req.ctx.acting) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tokens',
      access: AUTHENTICATED,
      summary: 'Create an API token with a subset of my roles; the secret is shown once',
      tags: ['auth'],
      body: TokenCreateBody,
      responses: { 201: { description: 'Created', schema: TokenCreated } },
      errors: ['token_by_token'],
      handler: async (req, res) => {
        if (req.ctx.actor!.via !== 'session') throw authError('token_by_token');
        res.status(201).json(await createToken(deps, req.ctx.acting, req.body));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/tokens/:id/revoke',
      access: AUTHENTICATED,
      summary: 'Revoke an API token (mine, or any as admin)',
      tags: ['auth'],
      params: IdParams,
      responses: { 200: { description: 'Revoked', schema: TokenView } },
      handler: async (req, res) => {
        res.json(await revokeToken(deps, req.ctx.acting, req.params.id));
      },
    }),
  ];
}
