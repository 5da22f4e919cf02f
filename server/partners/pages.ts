import type { Response } from 'express';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { hasAnyRole } from '../shared/authorize.js';
import { AppError, notFound } from '../shared/errors.js';
import { obj } from '../shared/schema.js';
import { check, validate } from '../shared/validate.js';
import type { TSchema } from '@sinclair/typebox';
import type { ErrorDetail } from '../shared/errors.js';
import { resolveCommune } from '../shared/communes.js';
import { flash } from '../auth/index.js';
import { page, formBody, fieldErrors, type PageRequest } from '../shared/pages.js';
import {
  PARTNER_KINDS,
  PARTNER_KIND_LABELS,
  PartnerCreateBody,
  PartnerIdParams,
  PartnerListQuery,
  PartnerPatchBody,
} from './schemas.js';
import { getPartner, listPartners } from './repo.js';
import { presentPartner, type PartnerView } from './presenter.js';
import { checkPartnerInput, createPartner, updatePartner } from './manage-partners.js';
import { PARTNER_READERS, PARTNER_WRITERS, PARTNER_WRITER_ROLES } from './policy.js';

const PageQuery = obj({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  active: Type.Optional(Type.String({ maxLength: 5 })),
  sort: Type.Optional(Type.String({ maxLength: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  confirm: Type.Optional(Type.String({ maxLength: 20 })),
});
const TEXT_FIELDS = [
  'name',
  'kind',
  'contactName',
  'email',
  'phone',
  'addressLine1',
  'postalCode',
  'communeName',
  'notes',
] as const;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const kindOptions = PARTNER_KINDS.map((k) => ({ value: k, label: PARTNER_KIND_LABELS[k] }));

/** Form strings → API input (empty → null) and the commune resolved from name and postal code. */
function inputFromForm(form: Record<string, string | string[]>) {
  const values: Record<string, string> = {};
  for (const f of TEXT_FIELDS) values[f] = str(form[f]);
  const input: Record<string, unknown> = { name: values.name, kind: values.kind || 'association' };
  for (const f of ['contactName', 'email', 'phone', 'addressLine1', 'postalCode', 'notes'] as const)
    input[f] = values[f] || null;
  const errors: Record<string, string> = {};
  const commune = resolveCommune({ name: values.communeName, postalCode: values.postalCode });
  if ('field' in commune) errors[commune.field === 'communeInsee' ? 'communeName' : commune.field] = commune.message;
  else input.communeInsee = commune.commune?.code ?? null;
  return { values, input, errors };
}

const toForm = (d: ErrorDetail) => (d.field === 'communeInsee' ? { ...d, field: 'communeName' } : d);

/** Every problem of a form at once: the schema's, then the business checks on the fields the schema accepted. */
function formProblems(schema: TSchema, input: Record<string, unknown>): Record<string, string> {
  const checked = check(schema, input);
  const schemaDetails = checked.ok ? [] : checked.details;
  const failed = new Set(schemaDetails.map((d) => d.field.split('.')[0]));
  const { details } = checkPartnerInput(Object.fromEntries(Object.entries(input).filter(([k]) => !failed.has(k))));
  return fieldErrors([...schemaDetails, ...details.filter((d) => !failed.has(d.field))].map(toForm));
}

function formValues(p: PartnerView): Record<string, string> {
  return {
    name: p.name,
    kind: p.kind,
    contactName: p.contactName ?? '',
    email: p.email ?? '',
    phone: p.phone ?? '',
    addressLine1: p.addressLine1 ?? '',
    postalCode: p.postalCode ?? '',
    communeName: p.communeName ?? '',
    notes: p.notes ?? '',
  };
}

export function partnerPages(deps: Deps) {
  const renderForm = (
    req: PageRequest,
    res: Response,
    vars: {
      partner?: PartnerView;
      values: Record<string, string>;
      errors: Record<string, string>;
      confirmDeactivate?: boolean;
    },
    status = 200,
  ) =>
    page(
      deps,
      req,
      res,
      'partners/form.njk',
      { title: vars.partner ? vars.partner.name : 'Nouvelle structure relais', kindOptions, canEdit: true, ...vars },
      status,
    );

  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/partners',
      access: PARTNER_READERS,
      summary: 'Partners list',
      query: PageQuery,
      handler: async (req, res) => {
        const filters = Object.fromEntries(
          Object.entries(req.query).filter(([k, v]) => v !== '' && k !== 'confirm'),
        ) as Record<string, string>;
        const query = validate(PartnerListQuery, { ...filters, limit: '25' });
        const result = await listPartners(deps.db, query);
        const params = new URLSearchParams(Object.entries(filters).filter(([k]) => k !== 'cursor'));
        await page(deps, req, res, 'partners/list.njk', {
          title: 'Structures relais',
          partners: result.items.map((p) => presentPartner(p, req.ctx.acting.actor)),
          nextHref: result.nextCursor
            ? `/partners?${params.toString()}${params.size ? '&' : ''}cursor=${result.nextCursor}`
            : null,
          filters: req.query,
          kindLabels: PARTNER_KIND_LABELS,
          canEdit: hasAnyRole(req.ctx.acting.actor, PARTNER_WRITER_ROLES),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/partners/new',
      access: PARTNER_WRITERS,
      summary: 'New partner form',
      handler: async (req, res) => renderForm(req, res, { values: { kind: 'association' }, errors: {} }),
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/partners',
      access: PARTNER_WRITERS,
      summary: 'Create a partner from the form',
      handler: async (req, res) => {
        const { values, input, errors } = inputFromForm(formBody(req));
        Object.assign(errors, { ...formProblems(PartnerCreateBody, input), ...errors });
        if (!Object.keys(errors).length) {
          try {
            const created = await createPartner(deps, req.ctx.acting, input as PartnerCreateBody);
            await flash(deps, req, 'success', 'La structure relais a été créée.');
            return res.redirect(303, `/partners/${created.id}`);
          } catch (e) {
            if (!(e instanceof AppError) || !e.details.length || e.status >= 500) throw e;
            Object.assign(errors, fieldErrors(e.details.map(toForm)));
          }
        }
        await renderForm(req, res, { values, errors }, 400);
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/partners/:id',
      access: PARTNER_READERS,
      summary: 'A partner (form for those who may edit)',
      params: PartnerIdParams,
      query: PageQuery,
      handler: async (req, res) => {
        const row = await getPartner(deps.db, req.params.id);
        if (!row) throw notFound('Structure relais');
        const partner = presentPartner(row, req.ctx.acting.actor);
        if (!hasAnyRole(req.ctx.acting.actor, PARTNER_WRITER_ROLES)) {
          return page(deps, req, res, 'partners/form.njk', {
            title: partner.name,
            partner,
            canEdit: false,
            kindLabels: PARTNER_KIND_LABELS,
            values: {},
            errors: {},
          });
        }
        await renderForm(req, res, {
          partner,
          values: formValues(partner),
          errors: {},
          confirmDeactivate: req.query.confirm === 'deactivate',
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/partners/:id',
      access: PARTNER_WRITERS,
      summary: 'Save, deactivate or reactivate a partner from the form',
      params: PartnerIdParams,
      handler: async (req, res) => {
        const row = await getPartner(deps.db, req.params.id);
        if (!row) throw notFound('Structure relais');
        const form = formBody(req);
        let values: Record<string, string> = formValues(presentPartner(row, req.ctx.acting.actor));
        let input: Record<string, unknown>;
        let errors: Record<string, string> = {};
        if (form.action === 'deactivate') input = { active: false };
        else if (form.action === 'reactivate') input = { active: true };
        else ({ values, input, errors } = inputFromForm(form));
        Object.assign(errors, { ...formProblems(PartnerPatchBody, input), ...errors });
        if (!Object.keys(errors).length) {
          try {
            await updatePartner(deps, req.ctx.acting, { id: req.params.id, patch: input as PartnerPatchBody });
            const message =
              input.active === false
                ? 'La structure relais a été désactivée.'
                : input.active === true
                  ? 'La structure relais a été réactivée.'
                  : 'La structure relais a été enregistrée.';
            await flash(deps, req, 'success', message);
            return res.redirect(303, `/partners/${req.params.id}`);
          } catch (e) {
            if (!(e instanceof AppError) || !e.details.length || e.status >= 500) throw e;
            Object.assign(errors, fieldErrors(e.details.map(toForm)));
          }
        }
        await renderForm(req, res, { partner: presentPartner(row, req.ctx.acting.actor), values, errors }, 400);
      },
    }),
  ];
}
