import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { validationError } from '../shared/errors.js';
import { check } from '../shared/validate.js';
import { toLocal } from '../shared/dates.js';
import { formatDate } from '../shared/format.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { Rates, type RateVersionCreateBody, type RatesPatch } from './schemas.js';
import { insertVersion, listVersions, projectAllowance, versionExists } from './repo.js';
import { versionInForce, type RateVersion } from './resolve-rate-set.js';
import { mayWriteOrganisationRates, mayWriteProjectRates } from './policy.js';
import { reimbursementError } from './errors.js';

export interface Warning {
  code: string;
  message: string;
}

const pgCode = (e: unknown) => (e as { code?: string }).code;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Dotted names of the fields of `after` that differ from `before` (arrays compare whole). */
export function changedRateFields(before: unknown, after: unknown, prefix = ''): string[] {
  if (isPlainObject(after)) {
    return Object.keys(after).flatMap((k) =>
      changedRateFields(isPlainObject(before) ? before[k] : undefined, after[k], prefix ? `${prefix}.${k}` : k),
    );
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

/**
 * Adds a rate version from a date: the organisation's (complete rates; finance or admin) or
 * a project's override (any subset; finance or the project's lead). Never changes an
 * existing version: a second version on the same day is 409 `policy_version_exists`. Audits
 * the names of the fields that change (never values). Warns when the date is in the past:
 * lines not yet decided will be computed with it, decided lines keep their amounts.
 */
export async function createRateVersion(
  deps: Deps,
  acting: Acting,
  body: RateVersionCreateBody,
): Promise<{ version: RateVersion; warnings: Warning[] }> {
  const { actor } = acting;
  const projectId = body.projectId ?? null;
  const rates: RatesPatch = body.rates;
  const settings = await acting.settings();
  try {
    return await inTransaction(deps.db, async (trx) => {
      if (projectId) {
        const project = await projectAllowance(trx, projectId);
        if (!project) throw validationError([{ field: 'projectId', message: 'projet inconnu' }]);
        if (!mayWriteProjectRates(actor, project.leadUserId)) throw reimbursementError('project_rates_forbidden');
      } else {
        if (!mayWriteOrganisationRates(actor)) throw reimbursementError('organisation_rates_forbidden');
        const complete = check(Rates, rates);
        if (!complete.ok)
          throw validationError(
            complete.details.map((d) => ({
              field: d.field === '(corps)' ? 'rates' : `rates.${d.field}`,
              message: d.message,
            })),
          );
      }
      if (await versionExists(trx, projectId, body.effectiveFrom)) {
        throw reimbursementError('policy_version_exists', { date: formatDate(body.effectiveFrom) }, [
          { field: 'effectiveFrom', message: 'une version commence déjà ce jour-là' },
        ]);
      }
      const previous = versionInForce(await listVersions(trx, projectId), body.effectiveFrom);
      const version = await insertVersion(trx, {
        projectId,
        effectiveFrom: body.effectiveFrom,
        rates,
        createdBy: actor.userId,
      });
      const fields = projectId ? changedRateFields(undefined, rates) : changedRateFields(previous?.rates, rates);
      await recordAudit(trx, acting, {
        action: 'reimbursement_policy.created',
        recordType: 'reimbursement_policies',
        recordId: version.id,
        data: { projectId, effectiveFrom: body.effectiveFrom, fields },
      });
      const warnings: Warning[] = [];
      if (body.effectiveFrom < toLocal(acting.now, settings.timeZone).date) {
        warnings.push({
          code: 'policy_retroactive',
          message:
            'Ce barème s’applique à des déplacements passés : les lignes pas encore décidées seront calculées avec lui, les lignes déjà décidées gardent leur montant.',
        });
      }
      return { version, warnings };
    });
  } catch (e) {
    if (pgCode(e) === '23505')
      throw reimbursementError('policy_version_exists', { date: formatDate(body.effectiveFrom) }, [
        { field: 'effectiveFrom', message: 'une version commence déjà ce jour-là' },
      ]);
    throw e;
  }
}
