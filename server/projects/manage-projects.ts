import type { Deps } from '../shared/deps.js';
import { inTransaction, type Db } from '../shared/db.js';
import { validationError, notFound, type ErrorDetail } from '../shared/errors.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { TARGET_VALUES, type ProjectCreateBody, type ProjectPatchBody, type TargetDimension } from './schemas.js';
import {
  getProject,
  insertProject,
  replaceBudget,
  replaceTargets,
  updateProjectRow,
  userExists,
  type ProjectDetail,
} from './repo.js';
import { presentProject } from './presenter.js';

type Merged = {
  startsOn: string;
  endsOn: string | null;
  allowanceEnabled: boolean;
  allowanceHalfDayCents: number | null;
  leadUserId: string | null;
  targets?: ProjectCreateBody['targets'];
};

/** Rules across fields: dates in order, an allowance needs its amount, targets in the profile's terms summing to ≤ 100 % per dimension. */
async function checkProject(db: Db, p: Merged): Promise<void> {
  const details: ErrorDetail[] = [];
  if (p.endsOn && p.endsOn < p.startsOn)
    details.push({ field: 'endsOn', message: 'doit être postérieure ou égale à la date de début' });
  if (p.allowanceEnabled && p.allowanceHalfDayCents === null)
    details.push({
      field: 'allowanceHalfDayCents',
      message: 'montant par demi-journée obligatoire quand l’indemnité est activée',
    });
  if (p.leadUserId && !(await userExists(db, p.leadUserId)))
    details.push({ field: 'leadUserId', message: 'compte inconnu ou désactivé' });
  const sums = new Map<string, number>();
  const seen = new Set<string>();
  (p.targets ?? []).forEach((t, i) => {
    if (!(TARGET_VALUES[t.dimension as TargetDimension] as readonly string[]).includes(t.value))
      details.push({ field: `targets.${i}.value`, message: `valeur inconnue pour ${t.dimension}` });
    if (seen.has(`${t.dimension}:${t.value}`))
      details.push({ field: `targets.${i}.value`, message: 'cible en double' });
    seen.add(`${t.dimension}:${t.value}`);
    sums.set(t.dimension, (sums.get(t.dimension) ?? 0) + t.percent);
  });
  for (const [dimension, sum] of sums)
    if (sum > 100)
      details.push({ field: 'targets', message: `les cibles « ${dimension} » dépassent 100 % (${sum} %)` });
  if (details.length) throw validationError(details);
}

/** Creates a project with its planned budget per category and its target panel composition. */
export async function createProject(deps: Deps, acting: Acting, input: ProjectCreateBody) {
  return inTransaction(deps.db, async (trx) => {
    const merged = {
      startsOn: input.startsOn,
      endsOn: input.endsOn ?? null,
      allowanceEnabled: input.allowanceEnabled ?? false,
      allowanceHalfDayCents: input.allowanceHalfDayCents ?? null,
      leadUserId: input.leadUserId ?? null,
      targets: input.targets,
    };
    await checkProject(trx, merged);
    const row = await insertProject(trx, {
      name: input.name.trim(),
      description: input.description ?? '',
      participation_level: input.participationLevel,
      lead_user_id: merged.leadUserId,
      starts_on: input.startsOn,
      ends_on: merged.endsOn,
      solicitation_limit: input.solicitationLimit ?? null,
      allowance_enabled: merged.allowanceEnabled,
      allowance_half_day_cents: merged.allowanceHalfDayCents,
      created_by: acting.actor.userId,
      created_at: acting.now,
      updated_at: acting.now,
    });
    await replaceBudget(trx, row.id, input.budget ?? {});
    await replaceTargets(trx, row.id, input.targets ?? []);
    await recordAudit(trx, acting, {
      action: 'project.created',
      recordType: 'project',
      recordId: row.id,
      data: { participationLevel: input.participationLevel },
    });
    return presentProject((await getProject(trx, row.id))!);
  });
}

/** Changes project `id` as `patch` says; `budget` and `targets`, when given, replace the previous ones. */
export async function updateProject(deps: Deps, acting: Acting, input: { id: string; patch: ProjectPatchBody }) {
  const { id, patch } = input;
  return inTransaction(deps.db, async (trx) => {
    const before: ProjectDetail | undefined = await getProject(trx, id, true);
    if (!before) throw notFound('Projet');
    const merged = {
      startsOn: patch.startsOn ?? before.starts_on,
      endsOn: patch.endsOn !== undefined ? patch.endsOn : before.ends_on,
      allowanceEnabled: patch.allowanceEnabled ?? before.allowance_enabled,
      allowanceHalfDayCents:
        patch.allowanceHalfDayCents !== undefined ? patch.allowanceHalfDayCents : before.allowance_half_day_cents,
      leadUserId: patch.leadUserId !== undefined ? patch.leadUserId : before.lead_user_id,
      targets: patch.targets,
    };
    await checkProject(trx, { ...merged, leadUserId: patch.leadUserId !== undefined ? merged.leadUserId : null });
    const changes: Record<string, unknown> = { updated_at: acting.now };
    if (patch.name !== undefined) changes.name = patch.name.trim();
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.participationLevel !== undefined) changes.participation_level = patch.participationLevel;
    if (patch.leadUserId !== undefined) changes.lead_user_id = patch.leadUserId;
    if (patch.startsOn !== undefined) changes.starts_on = patch.startsOn;
    if (patch.endsOn !== undefined) changes.ends_on = patch.endsOn;
    if (patch.status !== undefined) changes.status = patch.status;
    if (patch.solicitationLimit !== undefined) changes.solicitation_limit = patch.solicitationLimit;
    if (patch.allowanceEnabled !== undefined) changes.allowance_enabled = patch.allowanceEnabled;
    if (patch.allowanceHalfDayCents !== undefined) changes.allowance_half_day_cents = patch.allowanceHalfDayCents;
    await updateProjectRow(trx, id, changes);
    if (patch.budget) await replaceBudget(trx, id, patch.budget);
    if (patch.targets) await replaceTargets(trx, id, patch.targets);
    await recordAudit(trx, acting, {
      action: 'project.updated',
      recordType: 'project',
      recordId: id,
      data: { fields: Object.keys(patch) },
    });
    return presentProject((await getProject(trx, id))!);
  });
}
