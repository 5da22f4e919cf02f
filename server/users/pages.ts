import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { ROLES, ROLE_LABELS } from '../shared/authorize.js';
import { USER_ADMINS } from './policy.js';
import { AppError, notFound } from '../shared/errors.js';
import { check } from '../shared/validate.js';
import { flash } from '../auth/index.js';
import { page, formBody, fieldErrors } from '../shared/pages.js';
import { UserCreateBody, UserIdParams, UserListQuery, UserPatchBody } from './schemas.js';
import { getUser, listUsers } from './repo.js';
import { presentUser } from './presenter.js';
import { createUser, resetPassword, updateUser } from './manage-users.js';

const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const roleOptions = (checked: string[]) =>
  ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r], checked: checked.includes(r) }));

export function userPages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/admin/users',
      access: USER_ADMINS,
      summary: 'Staff accounts',
      query: UserListQuery,
      handler: async (req, res) => {
        const result = await listUsers(deps.db, { ...req.query, limit: req.query.limit ?? '25' });
        const params = new URLSearchParams(
          Object.entries(req.query).filter(([k, v]) => k !== 'cursor' && typeof v === 'string') as [string, string][],
        );
        await page(deps, req, res, 'users/list.njk', {
          title: 'Comptes du personnel',
          users: result.items.map(presentUser),
          nextHref: result.nextCursor
            ? `/admin/users?${params.toString()}${params.size ? '&' : ''}cursor=${result.nextCursor}`
            : null,
          filters: req.query,
          roleOptions: [
            { value: '', label: 'Tous les rôles' },
            ...ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
          ],
          roleLabels: ROLE_LABELS,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/admin/users/new',
      access: USER_ADMINS,
      summary: 'New staff account form',
      handler: async (req, res) => {
        await page(deps, req, res, 'users/new.njk', {
          title: 'Nouveau compte',
          values: {},
          errors: {},
          roleOptions: roleOptions([]),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/admin/users',
      access: USER_ADMINS,
      summary: 'Create a staff account from the form',
      handler: async (req, res) => {
        const form = formBody(req);
        const input = { email: str(form.email).trim(), name: str(form.name).trim(), roles: asList(form.roles) };
        const checked = check(UserCreateBody, input);
        let errors = checked.ok ? {} : fieldErrors(checked.details);
        if (checked.ok) {
          try {
            const created = await createUser(deps, req.ctx.acting, checked.value);
            return page(
              deps,
              req,
              res,
              'users/created.njk',
              { title: 'Compte créé', user: created.user, temporaryPassword: created.temporaryPassword },
              201,
            );
          } catch (e) {
            if (!(e instanceof AppError) || !e.details.length) throw e;
            errors = fieldErrors(e.details);
          }
        }
        await page(
          deps,
          req,
          res,
          'users/new.njk',
          { title: 'Nouveau compte', values: input, errors, roleOptions: roleOptions(input.roles) },
          400,
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/admin/users/:id',
      access: USER_ADMINS,
      summary: 'Edit a staff account',
      params: UserIdParams,
      handler: async (req, res) => {
        const user = await getUser(deps.db, req.params.id);
        if (!user) throw notFound('Compte');
        const view = presentUser(user);
        await page(deps, req, res, 'users/edit.njk', {
          title: `Compte de ${view.name}`,
          user: view,
          values: view,
          errors: {},
          roleOptions: roleOptions(view.roles),
          confirmReset: req.query.confirm === 'reset',
          confirmDeactivate: req.query.confirm === 'deactivate',
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/admin/users/:id',
      access: USER_ADMINS,
      summary: 'Save a staff account (name, roles, active)',
      params: UserIdParams,
      handler: async (req, res) => {
        const user = await getUser(deps.db, req.params.id);
        if (!user) throw notFound('Compte');
        const form = formBody(req);
        const patch: Record<string, unknown> = {};
        if (typeof form.name === 'string') patch.name = form.name.trim();
        if (form.action === 'deactivate') patch.active = false;
        else if (form.action === 'reactivate') patch.active = true;
        else patch.roles = asList(form.roles);
        const checked = check(UserPatchBody, patch);
        let errors = checked.ok ? {} : fieldErrors(checked.details);
        if (checked.ok) {
          try {
            await updateUser(deps, req.ctx.acting, { userId: req.params.id, patch: checked.value });
            const message =
              patch.active === false
                ? 'Le compte a été désactivé et ses sessions fermées.'
                : patch.active === true
                  ? 'Le compte a été réactivé.'
                  : 'Le compte a été enregistré.';
            await flash(deps, req, 'success', message);
            return res.redirect(303, `/admin/users/${req.params.id}`);
          } catch (e) {
            if (!(e instanceof AppError) || (e.status !== 400 && e.code !== 'last_admin')) throw e;
            errors = e.details.length ? fieldErrors(e.details) : { roles: e.message };
          }
        }
        const view = presentUser(user);
        await page(
          deps,
          req,
          res,
          'users/edit.njk',
          {
            title: `Compte de ${view.name}`,
            user: view,
            values: { ...view, ...patch },
            errors,
            roleOptions: roleOptions(asList(form.roles)),
          },
          400,
        );
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/admin/users/:id/reset-password',
      access: USER_ADMINS,
      summary: 'Reset a staff password',
      params: UserIdParams,
      handler: async (req, res) => {
        const user = await getUser(deps.db, req.params.id);
        if (!user) throw notFound('Compte');
        const { temporaryPassword } = await resetPassword(deps, req.ctx.acting, req.params.id);
        await page(deps, req, res, 'users/created.njk', {
          title: 'Mot de passe réinitialisé',
          user: presentUser(user),
          temporaryPassword,
          reset: true,
        });
      },
    }),
  ];
}
