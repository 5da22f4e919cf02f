import type { Db } from '../shared/db.js';
import type { RatesPatch } from './schemas.js';
import type { RateVersion, ProjectAllowance } from './resolve-rate-set.js';

interface VersionRow {
  id: string;
  project_id: string | null;
  effective_from: string;
  rates: RatesPatch;
  created_by: string | null;
  created_at: Date;
}

const COLUMNS = ['id', 'project_id', 'effective_from', 'rates', 'created_by', 'created_at'];

function toVersion(r: VersionRow): RateVersion {
  return {
    id: r.id,
    projectId: r.project_id,
    effectiveFrom: r.effective_from,
    rates: r.rates,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/** The versions of the organisation (projectId null) or of one project, latest first. */
export async function listVersions(db: Db, projectId: string | null): Promise<RateVersion[]> {
  const q = db('reimbursement_policies').select(COLUMNS).orderBy('effective_from', 'desc');
  const rows = (await (projectId ? q.where('project_id', projectId) : q.whereNull('project_id'))) as VersionRow[];
  return rows.map(toVersion);
}

/** The organisation's and the project's versions in force on a day (at most one of each). */
export async function versionsInForce(db: Db, projectId: string | null, travelDate: string): Promise<RateVersion[]> {
  const { rows } = await db.raw(
    `SELECT DISTINCT ON (project_id IS NULL) ${COLUMNS.join(', ')} FROM reimbursement_policies
      WHERE effective_from <= ?::date AND (project_id IS NULL OR project_id = ?::uuid)
      ORDER BY project_id IS NULL, effective_from DESC`,
    [travelDate, projectId],
  );
  return (rows as VersionRow[]).map(toVersion);
}

export async function projectAllowance(
  db: Db,
  projectId: string,
): Promise<(ProjectAllowance & { leadUserId: string | null }) | undefined> {
  const row = await db('projects')
    .where('id', projectId)
    .first('allowance_enabled', 'allowance_half_day_cents', 'lead_user_id');
  return row
    ? {
        allowanceEnabled: row.allowance_enabled,
        allowanceHalfDayCents: row.allowance_half_day_cents,
        leadUserId: row.lead_user_id,
      }
    : undefined;
}

export async function versionExists(db: Db, projectId: string | null, effectiveFrom: string): Promise<boolean> {
  const q = db('reimbursement_policies').where('effective_from', effectiveFrom);
  return !!(await (projectId ? q.where('project_id', projectId) : q.whereNull('project_id')).first('id'));
}

export async function insertVersion(
  db: Db,
  v: { projectId: string | null; effectiveFrom: string; rates: RatesPatch; createdBy: string | null },
): Promise<RateVersion> {
  const [row] = await db('reimbursement_policies')
    .insert({
      project_id: v.projectId,
      effective_from: v.effectiveFrom,
      rates: JSON.stringify(v.rates),
      created_by: v.createdBy,
    })
    .returning(COLUMNS);
  return toVersion(row as VersionRow);
}

export async function projectOptions(db: Db): Promise<{ id: string; name: string; lead_user_id: string | null }[]> {
  return db('projects').orderByRaw('lower(name)').select('id', 'name', 'lead_user_id');
}
