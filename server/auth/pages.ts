import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AUTHENTICATED, PUBLIC, ROLES, ROLE_LABELS, type Role } from '../shared/authorize.js';
import { AppError } from '../shared/errors.js';
import { check } from '../shared/validate.js';
import { recordAudit } from '../audit/index.js';
import { page, formBody, fieldErrors } from '../shared/pages.js';
import { ChangePasswordBody, LoginBody, TokenCreateBody } from './schemas.js';
import { login } from './login.js';
import { closeSession, flash, openSession } from './sessions.js';
import { changeOwnPassword } from './change-password.js';
import { CHANGE_PASSWORD_PAGE } from './password-change-gate.js';
import { createToken, listTokens, revokeToken } from './tokens.js';
import { obj, RecordId } from '../shared/schema.js';

/** Only a path of this site may follow the login (no `//evil.example`). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/login') ? next : '/';
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function authPages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/login',
      access: PUBLIC,
      summary: 'Login page',
      handler: async (req, res) => {
        if (req.ctx.actor) return res.redirect(303, safeNext(req.query.next));
        await page(deps, req, res, 'auth/login.njk', {
          title: 'Connexion',
          next: safeNext(req.query.next),
          values: {},
          errors: {},
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/login',
      access: PUBLIC,
      summary: 'Sign in from the login form',
      handler: async (req, res) => {
        const form = formBody(req);
        const input = { email: str(form.email).trim(), password: str(form.password) };
        const next = safeNext(form.next);
        const checked = check(LoginBody, input);
        let message: string | null = null;
        if (!checked.ok) message = 'Saisissez votre adresse e-mail et votre mot de passe.';
        else {
          try {
            const { userId, mustChangePassword } = await login(deps, req.ctx.acting, { ...input, ip: req.ctx.ip });
            await closeSession(deps, req, res);
            await openSession(deps, res, userId);
            return res.redirect(303, mustChangePassword ? CHANGE_PASSWORD_PAGE : next);
          } catch (e) {
            if (!(e instanceof AppError) || !['invalid_credentials', 'too_many_attempts'].includes(e.code)) throw e;
            message = e.message;
          }
        }
        await page(
          deps,
          req,
          res,
          'auth/login.njk',
          { title: 'Connexion', next, values: { email: input.email }, loginError: message },
          checked.ok ? 401 : 400,
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/logout',
      access: AUTHENTICATED,
      summary: 'Sign out',
      handler: async (req, res) => {
        await recordAudit(deps.db, req.ctx.acting, {
          action: 'auth.logout',
          recordType: 'user',
          recordId: req.ctx.actor!.userId,
        });
        await closeSession(deps, req, res);
        res.redirect(303, '/login?loggedOut=1');
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/account',
      access: AUTHENTICATED,
      summary: 'My account',
      handler: async (req, res) => {
        await page(deps, req, res, 'auth/account.njk', { title: 'Mon compte', errors: {}, roleLabels: ROLE_LABELS });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/account/password',
      access: AUTHENTICATED,
      summary: 'Change my password',
      handler: async (req, res) => {
        const form = formBody(req);
        const input = { currentPassword: str(form.currentPassword), newPassword: str(form.newPassword) };
        const errors: Record<string, string> = {};
        const checked = check(ChangePasswordBody, input);
        if (!checked.ok) Object.assign(errors, fieldErrors(checked.details));
        if (str(form.confirmPassword) !== input.newPassword)
          errors.confirmPassword ??= 'les deux mots de passe ne sont pas identiques';
        if (!Object.keys(errors).length) {
          try {
            await changeOwnPassword(deps, req.ctx.acting, { ...input, keepSessionId: req.ctx.actor!.sessionId });
            await flash(
              deps,
              req,
              'success',
              'Votre mot de passe a été changé. Vos autres sessions ont été fermées et vos jetons d’API révoqués.',
            );
            return res.redirect(303, '/account');
          } catch (e) {
            if (!(e instanceof AppError) || e.code !== 'validation_failed') throw e;
            Object.assign(errors, fieldErrors(e.details));
          }
        }
        await page(deps, req, res, 'auth/account.njk', { title: 'Mon compte', errors, roleLabels: ROLE_LABELS }, 400);
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/account/tokens',
      access: AUTHENTICATED,
      summary: 'My API tokens',
      handler: async (req, res) => {
        await tokensPage(deps, req, res, {});
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/account/tokens',
      access: AUTHENTICATED,
      summary: 'Create an API token',
      handler: async (req, res) => {
        const form = formBody(req);
        const rolesField = form.roles === undefined ? [] : Array.isArray(form.roles) ? form.roles : [form.roles];
        const input = { name: str(form.name).trim(), roles: rolesField, expiresOn: str(form.expiresOn) || null };
        const checked = check(TokenCreateBody, input);
        let errors: Record<string, string> = checked.ok ? {} : fieldErrors(checked.details);
        if (checked.ok) {
          try {
            const created = await createToken(deps, req.ctx.acting, checked.value);
            return tokensPage(deps, req, res, {}, created.token, 201);
          } catch (e) {
            if (!(e instanceof AppError) || e.code !== 'validation_failed') throw e;
            errors = fieldErrors(e.details);
          }
        }
        await tokensPage(deps, req, res, errors, null, 400, input);
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/account/tokens/:id/revoke',
      access: AUTHENTICATED,
      summary: 'Revoke an API token',
      params: obj({ id: RecordId('api_tokens') }),
      handler: async (req, res) => {
        await revokeToken(deps, req.ctx.acting, req.params.id);
        await flash(deps, req, 'success', 'Le jeton a été révoqué : il ne permet plus d’accéder à l’API.');
        res.redirect(303, '/account/tokens');
      },
    }),
  ];
}

async function tokensPage(
  deps: Deps,
  req: Parameters<typeof page>[1],
  res: Parameters<typeof page>[2],
  errors: Record<string, string>,
  newToken: string | null = null,
  status = 200,
  values: { name?: string; roles?: string[]; expiresOn?: string | null } = {},
) {
  const { actor } = req.ctx.acting;
  const tokens = await listTokens(deps, req.ctx.acting);
  await page(
    deps,
    req,
    res,
    'auth/tokens.njk',
    {
      title: 'Jetons d’API',
      tokens,
      newToken,
      errors,
      values,
      roleOptions: ROLES.filter((r: Role) => actor.roles.includes(r)).map((r) => ({
        value: r,
        label: ROLE_LABELS[r],
        checked: (values.roles ?? []).includes(r),
      })),
      roleLabels: ROLE_LABELS,
    },
    status,
  );
}
