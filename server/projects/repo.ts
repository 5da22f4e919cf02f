import type { Db } from '../shared/db.js';
import { paginate } from '../shared/pagination.js';

export interface ProjectRow extends Record<string, unknown> {
  id: string;
  name: string;
  description: string;
  participation_level: string;
  lead_user_id: string | null;
  lead_name: string | null;
  starts_on: string;
  ends_on: string | null;
  status: 'active' | 'closed';
  solicitation_limit: number | null;
  allowance_enabled: boolean;
  allowance_half_day_cents: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface ProjectDetail extends ProjectRow {
  budget: Record<string, number>;
  targets: { dimension: string; value: string; percent: number }[];
}

const COLUMNS = [
  'p.id',
  'p.name',
  'p.description',
  'p.participation_level',
  'p.lead_user_id',
  'u.name as lead_name',
  'p.starts_on',
  'p.ends_on',
  'p.status',
  'p.solicitation_limit',
  'p.allowance_enabled',
  'p.allowance_half_day_cents',
  'p.created_at',
  'p.updated_at',
];

function base(db: Db) {
  return db('projects as p').leftJoin('users as u', 'u.id', 'p.lead_user_id');
}

async function withDetails(db: Db, rows: ProjectRow[]): Promise<ProjectDetail[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const budget = await db('project_budget')
    .whereIn('project_id', ids)
    .select('project_id', 'category', 'planned_cents');
  const targets = await db('project_targets')
    .whereIn('project_id', ids)
    .orderBy(['dimension', 'value'])
    .select('project_id', 'dimension', 'value', 'percent');
  return rows.map((r) => ({
    ...r,
    budget: Object.fromEntries(
      budget.filter((b) => b.project_id === r.id).map((b) => [b.category, Number(b.planned_cents)]),
    ),
    targets: targets
      .filter((t) => t.project_id === r.id)
      .map((t) => ({ dimension: t.dimension, value: t.value, percent: t.percent })),
  }));
}

export async function listProjects(
  db: Db,
  f: { q?: string; status?: string; limit?: string; cursor?: string; sort?: string },
) {
  const query = base(db).select(COLUMNS);
  if (f.q) query.whereILike('p.name', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.status) query.where('p.status', f.status);
  const page = await paginate<ProjectRow>(
    query,
    f,
    { columns: { name: 'p.name', startsOn: 'p.starts_on', createdAt: 'p.created_at' }, default: '-startsOn' },
    'p.id',
  );
  return { items: await withDetails(db, page.items), nextCursor: page.nextCursor };
}

export async function getProject(db: Db, id: string, forUpdate = false): Promise<ProjectDetail | undefined> {
  const q = base(db).where('p.id', id).first(COLUMNS);
  const row = (await (forUpdate ? q.forUpdate('p') : q)) as ProjectRow | undefined;
  return row ? (await withDetails(db, [row]))[0] : undefined;
}

export async function replaceBudget(db: Db, projectId: string, budget: Record<string, number | undefined>) {
  await db('project_budget').where({ project_id: projectId }).delete();
  const rows = Object.entries(budget)
    .filter(([, v]) => v !== undefined)
    .map(([category, cents]) => ({ project_id: projectId, category, planned_cents: cents }));
  if (rows.length) await db('project_budget').insert(rows);
}

export async function replaceTargets(
  db: Db,
  projectId: string,
  targets: { dimension: string; value: string; percent: number }[],
) {
  await db('project_targets').where({ project_id: projectId }).delete();
  if (targets.length) await db('project_targets').insert(targets.map((t) => ({ project_id: projectId, ...t })));
}

export async function userExists(db: Db, id: string): Promise<boolean> {
  return !!(await db('users').where({ id, active: true }).first('id'));
}

export async function projectOptions(db: Db): Promise<{ id: string; name: string }[]> {
  return db('projects').where('status', 'active').orderByRaw('lower(name)').select('id', 'name');
}

export async function leadOptions(db: Db): Promise<{ id: string; name: string }[]> {
  return db('users')
    .where('active', true)
    .whereRaw("roles && ARRAY['project_lead', 'staff', 'admin']::text[]")
    .orderBy('name')
    .select('id', 'name');
}

export async function insertProject(db: Db, values: Record<string, unknown>): Promise<{ id: string }> {
  const [row] = await db('projects').insert(values).returning('id');
  return row;
}

export async function updateProjectRow(db: Db, id: string, changes: Record<string, unknown>): Promise<void> {
  await db('projects').where({ id }).update(changes);
}
