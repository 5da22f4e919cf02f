import type { Response } from 'express';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AppError } from '../shared/errors.js';
import { formatCents, centsToInput, parseEuros } from '../shared/money.js';
import { formatDate } from '../shared/format.js';
import { isValidLocalDate } from '../shared/validators.js';
import { toLocal } from '../shared/dates.js';
import { check } from '../shared/validate.js';
import { obj } from '../shared/schema.js';
import { flash } from '../auth/index.js';
import { page, formBody, fieldErrors, type PageRequest } from '../shared/pages.js';
import { RATE_READERS, RATE_WRITERS, mayWriteOrganisationRates, mayWriteProjectRates } from './policy.js';
import { RateVersionCreateBody, type Rates, type RatesPatch } from './schemas.js';
import { listVersions, projectOptions } from './repo.js';
import { versionInForce } from './resolve-rate-set.js';
import { createRateVersion } from './create-rate-version.js';

type Unit = 'perKm' | 'euros' | 'optionalEuros';
interface RateField {
  /** Dotted path in the rates, also the form field's name after `rates.`. */
  path: string;
  label: string;
  unit: Unit;
}

const POWERS = [
  ['cv_5_or_less', '5 CV et moins'],
  ['cv_6_7', '6 et 7 CV'],
  ['cv_8_or_more', '8 CV et plus'],
] as const;
const BANDS = ['jusqu’à 2 000 km', 'de 2 001 à 10 000 km', 'au-delà de 10 000 km'];

export const RATE_FIELDS: RateField[] = [
  ...POWERS.flatMap(([key, power]) =>
    BANDS.map((band, i) => ({
      path: `mileageCentsPerKm.${key}.${i}`,
      label: `Voiture ${power}, ${band}`,
      unit: 'perKm' as const,
    })),
  ),
  { path: 'motorbikeCentsPerKm', label: 'Moto de plus de 125 cm³', unit: 'perKm' },
  { path: 'mopedCentsPerKm', label: 'Cyclomoteur', unit: 'perKm' },
  { path: 'mealFlatCents', label: 'Repas (forfait par repas)', unit: 'euros' },
  { path: 'nightCapCents.standard', label: 'Nuitée : plafond général', unit: 'euros' },
  {
    path: 'nightCapCents.big_city',
    label: 'Nuitée : plafond ville de 200 000 habitants ou plus et Grand Paris',
    unit: 'euros',
  },
  { path: 'nightCapCents.paris', label: 'Nuitée : plafond Paris', unit: 'euros' },
  {
    path: 'nightReducedMobilityCapCents',
    label: 'Nuitée : plafond pour une personne à mobilité réduite',
    unit: 'euros',
  },
  { path: 'childcareHourlyCapCents', label: 'Garde d’enfants : plafond par heure', unit: 'euros' },
  { path: 'receiptThresholdCents', label: 'Justificatif exigé au-delà de', unit: 'euros' },
  { path: 'allowanceHalfDayCents', label: 'Indemnité de participation par demi-journée', unit: 'optionalEuros' },
];

function getPath(source: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((n, p) => (n as Record<string, unknown> | undefined)?.[p], source);
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown) {
  const parts = dotted.split('.');
  let node = target;
  for (const [i, p] of parts.slice(0, -1).entries())
    node = (node[p] ??= /^\d+$/.test(parts[i + 1]) ? [] : {}) as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

/** `0,32 €/km`, `20,00 €`, `aucune`; empty for a field a project leaves to the organisation. */
function display(value: unknown, unit: Unit): string {
  if (value === undefined) return '';
  if (value === null) return 'aucune';
  return unit === 'perKm' ? `${formatCents(value as number)}/km` : formatCents(value as number);
}

/**
 * Form → rates. The organisation's form is complete (an empty allowance means none); a
 * project's form gives only the fields typed, the others keep the organisation's value.
 */
function ratesFromForm(
  form: Record<string, string | string[]>,
  forProject: boolean,
): { rates: Record<string, unknown>; errors: Record<string, string> } {
  const rates: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of RATE_FIELDS) {
    const raw = form[`rates.${f.path}`];
    const v = typeof raw === 'string' ? raw.trim() : '';
    if (v === '') {
      if (forProject) continue;
      if (f.unit === 'optionalEuros') setPath(rates, f.path, null);
      else errors[`rates.${f.path}`] = 'champ obligatoire';
      continue;
    }
    const cents = parseEuros(v);
    if (cents === null)
      errors[`rates.${f.path}`] =
        f.unit === 'perKm'
          ? 'doit être un taux en euros par km (ex. 0,32)'
          : 'doit être un montant en euros (ex. 20,00)';
    else setPath(rates, f.path, cents);
  }
  return { rates, errors };
}

const PageQuery = obj({ projectId: Type.Optional(Type.String({ format: 'uuid' })) });

export function ratePages(deps: Deps) {
  const render = async (
    req: PageRequest,
    res: Response,
    projectId: string | null,
    values: Record<string, string> | null,
    errors: Record<string, string> = {},
    status = 200,
  ) => {
    const projects = await projectOptions(deps.db);
    const project = projectId ? projects.find((p) => p.id === projectId) : undefined;
    const orgVersions = await listVersions(deps.db, null);
    const versions = projectId ? await listVersions(deps.db, projectId) : orgVersions;
    const settings = await req.ctx.acting.settings();
    const today = toLocal(req.ctx.acting.now, settings.timeZone).date;
    const inForce = versionInForce(orgVersions, today)?.rates as Rates | undefined;
    const { actor } = req.ctx.acting;
    const canWrite = projectId
      ? mayWriteProjectRates(actor, project?.lead_user_id ?? null)
      : mayWriteOrganisationRates(actor);
    const initial: Record<string, string> = { effectiveFrom: '' };
    for (const f of RATE_FIELDS) {
      const v = projectId ? undefined : getPath(inForce, f.path);
      initial[`rates.${f.path}`] = typeof v === 'number' ? centsToInput(v) : '';
    }
    await page(
      deps,
      req,
      res,
      'reimbursement/policies.njk',
      {
        title: project ? `Barème de remboursement — ${project.name}` : 'Barème de remboursement de l’organisation',
        project: project ?? null,
        projectOptions: [
          { value: '', label: 'L’organisation (barème de base)' },
          ...projects.map((p) => ({ value: p.id, label: p.name })),
        ],
        versions: versions.map((v) => ({ id: v.id, effectiveFrom: formatDate(v.effectiveFrom) })),
        rows: RATE_FIELDS.map((f) => ({
          label: f.label,
          unit: f.unit,
          cells: versions.map((v) => display(getPath(v.rates, f.path), f.unit)),
        })),
        fields: RATE_FIELDS.map((f) => ({ name: `rates.${f.path}`, label: f.label, unit: f.unit })),
        canWrite,
        values: values ?? initial,
        errors,
      },
      status,
    );
  };

  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/admin/policies',
      access: RATE_READERS,
      query: PageQuery,
      summary: 'Reimbursement policy versions and the form to add one',
      handler: async (req, res) => {
        await render(req, res, req.query.projectId ?? null, null);
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'post',
      path: '/admin/policies',
      access: RATE_WRITERS,
      summary: 'Add a policy version from the form',
      handler: async (req, res) => {
        const form = formBody(req);
        const projectId = typeof form.projectId === 'string' && form.projectId ? form.projectId : null;
        const { rates, errors } = ratesFromForm(form, !!projectId);
        const effectiveFrom = typeof form.effectiveFrom === 'string' ? form.effectiveFrom.trim() : '';
        if (!isValidLocalDate(effectiveFrom)) errors.effectiveFrom = 'doit être une date existante (JJ/MM/AAAA)';
        if (projectId && Object.keys(rates).length === 0 && !Object.keys(errors).length)
          errors['rates'] = 'indiquez au moins un taux à changer pour ce projet';
        const body = {
          ...(projectId ? { projectId } : {}),
          effectiveFrom,
          rates: completeMileage(rates as RatesPatch, projectId ? await orgRatesOn(effectiveFrom) : null),
        };
        const checked = check(RateVersionCreateBody, body);
        const all = { ...(checked.ok || Object.keys(errors).length ? {} : fieldErrors(checked.details)), ...errors };
        if (Object.keys(all).length === 0) {
          try {
            const result = await createRateVersion(deps, req.ctx.acting, body as RateVersionCreateBody);
            const note = result.warnings.length ? ` ${result.warnings.map((w) => w.message).join(' ')}` : '';
            await flash(
              deps,
              req,
              'success',
              `La nouvelle version du barème, applicable à partir du ${formatDate(effectiveFrom)}, a été enregistrée.${note}`,
            );
            res.redirect(303, projectId ? `/admin/policies?projectId=${projectId}` : '/admin/policies');
            return;
          } catch (e) {
            if (!(e instanceof AppError) || !['validation_failed', 'policy_version_exists'].includes(e.code)) throw e;
            Object.assign(
              all,
              fieldErrors(e.details.length ? e.details : [{ field: 'effectiveFrom', message: e.message }]),
            );
          }
        }
        const values: Record<string, string> = {};
        for (const [k, v] of Object.entries(form)) if (typeof v === 'string') values[k] = v;
        await render(req, res, projectId, values, all, 400);
      },
    }),
  ];

  async function orgRatesOn(date: string): Promise<Rates | null> {
    if (!isValidLocalDate(date)) return null;
    return (versionInForce(await listVersions(deps.db, null), date)?.rates as Rates | undefined) ?? null;
  }
}

/**
 * A project's form may change one band of a fiscal power; the API takes the three bands of a
 * power together, so the others are filled in from the organisation's version in force.
 */
function completeMileage(rates: RatesPatch, base: Rates | null): RatesPatch {
  if (!rates.mileageCentsPerKm || !base) return rates;
  const merged = base.mileageCentsPerKm;
  const out: Record<string, [number, number, number]> = {};
  for (const [power, bands] of Object.entries(rates.mileageCentsPerKm) as [
    keyof Rates['mileageCentsPerKm'],
    (number | undefined)[],
  ][]) {
    out[power] = [0, 1, 2].map((i) => bands[i] ?? merged[power][i]) as [number, number, number];
  }
  return { ...rates, mileageCentsPerKm: out };
}
