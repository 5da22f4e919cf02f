import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { notFound, validationError, type ErrorDetail } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import type { GrantCreateBody, GrantPatchBody } from './schemas.js';
import {
  getGrant,
  grantCeilings,
  grantProjects,
  lockProjectsWithShares,
  replaceCeilings,
  replaceProjects,
  resplittableExpenses,
} from './repo.js';
import { insertGrant, updateGrantRow } from './grants-repo.js';
import { hasBudgetLineOutside } from './budget-lines-repo.js';
import { placeExpenses, type Warning } from './budget.js';
import { backfillBookings, backfillClaims } from './commitments.js';
import { grantsError } from './errors.js';

type GrantInput = Omit<
  GrantCreateBody,
  'funder' | 'periodStart' | 'periodEnd' | 'totalCents' | 'cofundingRateBp' | 'eligibleCategories'
> &
  Partial<GrantCreateBody>;

/** Field checks beyond the schema: period order, ceilings inside the period, one entry per year and per project. */
function checkFields(g: {
  periodStart: string;
  periodEnd: string;
  ceilings?: { year: number }[];
  projects?: { projectId: string }[];
}): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (g.periodEnd < g.periodStart)
    details.push({ field: 'periodEnd', message: 'doit être après le début de la période' });
  const startYear = Number(g.periodStart.slice(0, 4));
  const endYear = Number(g.periodEnd.slice(0, 4));
  const years = new Set<number>();
  (g.ceilings ?? []).forEach((c, i) => {
    if (c.year < startYear || c.year > endYear)
      details.push({ field: `ceilings.${i}.year`, message: `doit être dans la période (${startYear}–${endYear})` });
    else if (years.has(c.year)) details.push({ field: `ceilings.${i}.year`, message: 'année en double' });
    years.add(c.year);
  });
  const seen = new Set<string>();
  (g.projects ?? []).forEach((p, i) => {
    if (seen.has(p.projectId)) details.push({ field: `projects.${i}.projectId`, message: 'démarche en double' });
    seen.add(p.projectId);
  });
  return details;
}

/**
 * Under the projects' row locks (id order): each project exists and its shares across all
 * grants stay ≤ 100 %, so two grants created at once cannot together exceed it.
 */
async function checkShares(trx: Db, grantId: string | null, projects: { projectId: string; shareBp: number }[]) {
  const { existing, otherShares } = await lockProjectsWithShares(
    trx,
    projects.map((p) => p.projectId),
    grantId,
  );
  const details: ErrorDetail[] = [];
  projects.forEach((p, i) => {
    if (!existing.has(p.projectId)) details.push({ field: `projects.${i}.projectId`, message: 'démarche inconnue' });
    else {
      const others = otherShares.get(p.projectId) ?? 0;
      if (others + p.shareBp > 10000)
        details.push({
          field: `projects.${i}.shareBp`,
          message: `les financements de cette démarche dépasseraient 100 % (déjà ${others / 100} % ailleurs)`,
        });
    }
  });
  if (details.length) throw validationError(details);
}

/**
 * Re-splits the non-cancelled expenses of projects not yet claimed in a drawdown (after their
 * funding changed), first giving confirmed bookings and decided claim lines without an
 * expense theirs. No budget
 * check: the lines now overspent come back as warnings.
 */
export async function resplitProjects(trx: Db, acting: Acting, projectIds: string[]): Promise<Warning[]> {
  const warnings: Warning[] = [];
  for (const projectId of [...new Set(projectIds)].sort()) {
    await backfillBookings(trx, acting, projectId);
    await backfillClaims(trx, acting, projectId);
    const expenses = await resplittableExpenses(trx, projectId);
    if (!expenses.length) continue;
    const placed = await placeExpenses(
      trx,
      expenses.map((e) => ({
        id: e.id,
        projectId,
        category: e.category,
        incurredOn: e.incurred_on,
        amountCents: e.amount_cents,
      })),
      { check: false },
    );
    warnings.push(...placed.warnings.filter((w) => w.code === 'budget_line_overspent'));
    await recordAudit(trx, acting, {
      action: 'expenses.resplit',
      recordType: 'project',
      recordId: projectId,
      data: { expenses: expenses.length },
    });
  }
  return [...new Map(warnings.map((w) => [w.message, w])).values()];
}

const columns = (g: GrantInput) => {
  const out: Record<string, unknown> = {};
  const map: Record<string, string> = {
    funder: 'funder',
    programme: 'programme',
    axis: 'axis',
    agreementNumber: 'agreement_number',
    periodStart: 'period_start',
    periodEnd: 'period_end',
    totalCents: 'total_cents',
    cofundingRateBp: 'cofunding_rate_bp',
    eligibleCategories: 'eligible_categories',
    status: 'status',
  };
  for (const [k, col] of Object.entries(map))
    if ((g as Record<string, unknown>)[k] !== undefined) out[col] = (g as Record<string, unknown>)[k];
  for (const k of ['funder', 'programme', 'axis', 'agreement_number'])
    if (typeof out[k] === 'string') out[k] = (out[k] as string).trim();
  return out;
};

/** Creates a grant with its ceilings and funded projects, in the caller's transaction; its projects' expenses are re-split. */
export async function createGrantIn(
  trx: Db,
  _deps: Deps,
  acting: Acting,
  input: GrantCreateBody,
): Promise<{ id: string; warnings: Warning[] }> {
  const details = checkFields(input);
  if (!input.funder.trim()) details.unshift({ field: 'funder', message: 'champ obligatoire' });
  if (details.length) throw validationError(details);
  return inTransaction(trx, async (trx) => {
    const projects = input.projects ?? [];
    await checkShares(trx, null, projects);
    const row = await insertGrant(trx, { ...columns(input), created_by: acting.actor.userId });
    await replaceCeilings(trx, row.id, input.ceilings ?? []);
    await replaceProjects(trx, row.id, projects);
    const warnings = await resplitProjects(
      trx,
      acting,
      projects.map((p) => p.projectId),
    );
    await recordAudit(trx, acting, {
      action: 'grant.created',
      recordType: 'grant',
      recordId: row.id,
      data: { projects: projects.length, cofundingRateBp: input.cofundingRateBp },
    });
    return { id: row.id as string, warnings };
  });
}

/**
 * Changes grant `id` as `patch` says when `patch.version` is the current one (else 409
 * version_conflict); shares changed → re-split. In the caller's transaction (a savepoint of its own).
 */
export async function updateGrantIn(
  trx: Db,
  _deps: Deps,
  acting: Acting,
  { id, patch: input }: { id: string; patch: GrantPatchBody },
): Promise<{ warnings: Warning[] }> {
  return inTransaction(trx, async (trx) => {
    const g = await getGrant(trx, id, true);
    if (!g) throw notFound('Financement');
    if (g.version !== input.version)
      throw grantsError('version_conflict', [{ field: 'version', message: `version actuelle ${g.version}` }]);
    // A new period is checked against the ceilings kept as well as against new ones.
    const ceilingsToCheck =
      input.ceilings ??
      (input.periodStart || input.periodEnd
        ? (await grantCeilings(trx, id)).map((c) => ({ year: c.year }))
        : undefined);
    const merged = {
      periodStart: input.periodStart ?? g.period_start,
      periodEnd: input.periodEnd ?? g.period_end,
      ceilings: ceilingsToCheck,
      projects: input.projects,
    };
    const details = checkFields(merged);
    if (input.funder !== undefined && !input.funder.trim())
      details.unshift({ field: 'funder', message: 'champ obligatoire' });
    if (details.length) throw validationError(details);
    if (input.periodStart || input.periodEnd) {
      if (
        await hasBudgetLineOutside(
          trx,
          id,
          Number(merged.periodStart.slice(0, 4)),
          Number(merged.periodEnd.slice(0, 4)),
        )
      )
        throw validationError([
          {
            field: input.periodStart ? 'periodStart' : 'periodEnd',
            message: 'des lignes budgétaires sortiraient de la période',
          },
        ]);
    }
    const before = (await grantProjects(trx, id)).map((p) => p.project_id);
    if (input.projects) await checkShares(trx, id, input.projects);
    const { version: _v, ceilings, projects, ...rest } = input;
    await updateGrantRow(trx, id, { ...columns(rest), version: g.version + 1, updated_at: acting.now });
    if (ceilings) await replaceCeilings(trx, id, ceilings);
    if (projects) await replaceProjects(trx, id, projects);
    // Anything that moves the split (shares, period, eligibility) re-splits the projects concerned.
    const moves = projects || input.periodStart || input.periodEnd || input.eligibleCategories;
    const warnings = moves
      ? await resplitProjects(trx, acting, [...before, ...(projects ?? []).map((p) => p.projectId)])
      : [];
    await recordAudit(trx, acting, {
      action: 'grant.updated',
      recordType: 'grant',
      recordId: id,
      data: { fields: Object.keys(input).filter((k) => k !== 'version') },
    });
    return { warnings };
  });
}

/** `updateGrantIn` in a transaction of its own. */
export const updateGrant = (deps: Deps, acting: Acting, input: { id: string; patch: GrantPatchBody }) =>
  inTransaction(deps.db, (trx) => updateGrantIn(trx, deps, acting, input));

/** `createGrantIn` in a transaction of its own. */
export const createGrant = (deps: Deps, acting: Acting, input: GrantCreateBody) =>
  inTransaction(deps.db, (trx) => createGrantIn(trx, deps, acting, input));
