import type { Response } from 'express';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AppError, notFound } from '../shared/errors.js';
import { check } from '../shared/validate.js';
import { flash } from '../auth/index.js';
import { page, formBody, fieldErrors, type PageRequest } from '../shared/pages.js';
import { LEGAL_BASES, LEGAL_BASIS_LABELS, PurposeCodeParams, PurposePatchBody } from './schemas.js';
import { getPurpose, listPurposes } from './repo.js';
import { presentPurpose } from './presenter.js';
import { updatePurpose } from './update-purpose.js';
import { PURPOSE_EDITORS } from './policy.js';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const legalBasisOptions = LEGAL_BASES.map((b) => ({ value: b, label: LEGAL_BASIS_LABELS[b] }));

export function purposePages(deps: Deps) {
  const renderEdit = async (
    req: PageRequest,
    res: Response,
    code: string,
    values?: Record<string, unknown>,
    errors: Record<string, string> = {},
    status = 200,
  ) => {
    const row = await getPurpose(deps.db, code);
    if (!row) throw notFound('Finalité');
    const purpose = presentPurpose(row);
    await page(
      deps,
      req,
      res,
      'consents/purpose-edit.njk',
      {
        title: `Finalité « ${purpose.label} »`,
        purpose,
        values: values ?? {
          ...purpose,
          validityMonths: purpose.validityMonths === null ? '' : String(purpose.validityMonths),
        },
        errors,
        legalBasisOptions,
      },
      status,
    );
  };

  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/admin/consent-purposes',
      access: PURPOSE_EDITORS,
      summary: 'Consent purposes catalogue',
      handler: async (req, res) => {
        await page(deps, req, res, 'consents/purposes.njk', {
          title: 'Finalités des consentements',
          purposes: (await listPurposes(deps.db)).map(presentPurpose),
          legalBasisLabels: LEGAL_BASIS_LABELS,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/admin/consent-purposes/:code',
      access: PURPOSE_EDITORS,
      summary: 'Edit a consent purpose',
      params: PurposeCodeParams,
      handler: async (req, res) => renderEdit(req, res, req.params.code),
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/admin/consent-purposes/:code',
      access: PURPOSE_EDITORS,
      summary: 'Save a consent purpose from the form',
      params: PurposeCodeParams,
      handler: async (req, res) => {
        const form = formBody(req);
        const values = {
          label: str(form.label),
          text: str(form.text),
          legalBasis: str(form.legalBasis),
          validityMonths: str(form.validityMonths),
          specialCategory: form.specialCategory === 'true',
          active: form.active === 'true',
        };
        const errors: Record<string, string> = {};
        if (values.validityMonths && !/^\d{1,3}$/.test(values.validityMonths))
          errors.validityMonths = 'doit être un nombre entier de mois';
        const patch = { ...values, validityMonths: values.validityMonths ? Number(values.validityMonths) : null };
        const checked = check(PurposePatchBody, patch);
        if (!checked.ok) for (const [k, v] of Object.entries(fieldErrors(checked.details))) errors[k] ??= v;
        if (checked.ok && !Object.keys(errors).length) {
          try {
            const before = await getPurpose(deps.db, req.params.code);
            const after = await updatePurpose(deps, req.ctx.acting, { code: req.params.code, patch: checked.value });
            const bumped = before && after.textVersion !== before.text_version;
            await flash(
              deps,
              req,
              'success',
              bumped
                ? `La finalité a été enregistrée ; le texte passe à la version ${after.textVersion}.`
                : 'La finalité a été enregistrée.',
            );
            return res.redirect(303, '/admin/consent-purposes');
          } catch (e) {
            if (!(e instanceof AppError) || e.status !== 400) throw e;
            Object.assign(errors, fieldErrors(e.details));
          }
        }
        await renderEdit(req, res, req.params.code, values, errors, 400);
      },
    }),
  ];
}
