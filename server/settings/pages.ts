import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { SETTINGS_ADMINS } from './policy.js';
import { AppError } from '../shared/errors.js';
import { centsToInput, parseEuros } from '../shared/money.js';
import type { Response } from 'express';
import { page, formBody, fieldErrors, type PageRequest } from '../shared/pages.js';
import { flash } from '../auth/index.js';
import { COST_CATEGORIES, COST_CATEGORY_LABELS, SettingsPatch, type Settings } from './schemas.js';
import { updateSettings } from './update-settings.js';
import { check } from '../shared/validate.js';

type Kind = 'text' | 'nullable' | 'int' | 'euros' | 'bool';
const FIELDS: [string, Kind][] = [
  ['name', 'text'],
  ['legalForm', 'text'],
  ['siret', 'nullable'],
  ['address.line1', 'text'],
  ['address.line2', 'text'],
  ['address.postalCode', 'text'],
  ['address.city', 'text'],
  ['phone', 'text'],
  ['dpo.name', 'text'],
  ['dpo.email', 'text'],
  ['dpo.phone', 'text'],
  ['timeZone', 'text'],
  ['payerMode', 'text'],
  ['sepaVersion', 'text'],
  ['debtor.name', 'text'],
  ['debtor.iban', 'nullable'],
  ['debtor.bic', 'nullable'],
  ['deciderCannotBatch', 'bool'],
  ['retention.activeYearsAfterLastContact', 'int'],
  ['retention.archiveYearsAfterLastPayment', 'int'],
  ['retention.dailyRun', 'bool'],
  ['thresholds.receiptRequiredAboveCents', 'euros'],
  ['thresholds.allowanceYearlyWarningCents', 'euros'],
  ['thresholds.claimDeadlineMonths', 'int'],
  ['thresholds.solicitationLimitPer90Days', 'int'],
  ...COST_CATEGORIES.flatMap((c): [string, Kind][] => [
    [`accountingCodes.${c}.nature`, 'text'],
    [`accountingCodes.${c}.fonction`, 'text'],
  ]),
];

function setPath(target: Record<string, unknown>, dotted: string, value: unknown) {
  const parts = dotted.split('.');
  let node = target;
  for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

function getPath(source: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((n, p) => (n as Record<string, unknown> | undefined)?.[p], source);
}

/** Form fields (strings) → a settings patch; amounts typed in euros become cents. */
function patchFromForm(form: Record<string, string | string[]>): {
  patch: Record<string, unknown>;
  errors: Record<string, string>;
} {
  const patch: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [name, kind] of FIELDS) {
    const raw = form[name];
    if (typeof raw !== 'string') continue;
    const v = raw.trim();
    if (kind === 'text') setPath(patch, name, v);
    else if (kind === 'nullable') setPath(patch, name, v === '' ? null : v);
    else if (kind === 'bool') {
      if (v === 'true' || v === 'false') setPath(patch, name, v === 'true');
      else errors[name] = 'doit être oui ou non';
    } else if (kind === 'int') {
      if (/^\d{1,6}$/.test(v)) setPath(patch, name, Number(v));
      else errors[name] = 'doit être un nombre entier';
    } else {
      const cents = parseEuros(v);
      if (cents === null) errors[name] = 'doit être un montant en euros (ex. 15,00)';
      else setPath(patch, name, cents);
    }
  }
  return { patch, errors };
}

/** The form's values: the settings as strings, amounts in euros. */
function formValues(settings: Settings | Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, kind] of FIELDS) {
    const v = getPath(settings, name);
    out[name] =
      v === null || v === undefined ? '' : kind === 'euros' && typeof v === 'number' ? centsToInput(v) : String(v);
  }
  return out;
}

const TIME_ZONES = [
  'Europe/Paris',
  'America/Cayenne',
  'America/Guadeloupe',
  'America/Martinique',
  'Indian/Reunion',
  'Indian/Mayotte',
  'America/Miquelon',
  'Pacific/Noumea',
  'Pacific/Tahiti',
];

export function settingsPages(deps: Deps) {
  const render = async (
    req: PageRequest,
    res: Response,
    values: Record<string, string>,
    errors: Record<string, string> = {},
    status = 200,
  ) =>
    page(
      deps,
      req,
      res,
      'settings/form.njk',
      {
        title: 'Paramètres de l’organisation',
        values,
        errors,
        timeZones: TIME_ZONES.map((z) => ({ value: z, label: z })),
        categories: COST_CATEGORIES.map((c) => ({ key: c, label: COST_CATEGORY_LABELS[c] })),
      },
      status,
    );

  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/admin/settings',
      access: SETTINGS_ADMINS,
      summary: 'Settings page',
      handler: async (req, res) => {
        await render(req, res, formValues(await req.ctx.acting.settings()));
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/admin/settings',
      access: SETTINGS_ADMINS,
      summary: 'Save settings from the form',
      handler: async (req, res) => {
        const form = formBody(req);
        const { patch, errors } = patchFromForm(form);
        const checked = check(SettingsPatch, patch);
        const all = { ...errors, ...(checked.ok ? {} : fieldErrors(checked.details)) };
        if (Object.keys(all).length === 0) {
          try {
            const result = await updateSettings(deps, req.ctx.acting, patch as SettingsPatch);
            await flash(
              deps,
              req,
              'success',
              result.changed.length ? 'Les paramètres ont été enregistrés.' : 'Aucun changement.',
            );
            res.redirect(303, '/admin/settings');
            return;
          } catch (e) {
            if (!(e instanceof AppError) || e.code !== 'validation_failed') throw e;
            Object.assign(all, fieldErrors(e.details));
          }
        }
        const values = formValues({});
        for (const [name] of FIELDS) if (typeof form[name] === 'string') values[name] = form[name] as string;
        await render(req, res, values, all, 400);
      },
    }),
  ];
}
