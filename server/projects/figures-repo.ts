import type { Db } from '../shared/db.js';

/** A project's whole-project figures computed in the background (table project_figures). */
export interface ProjectFiguresRow<F> {
  project_id: string;
  computed_at: Date;
  figures: F;
}

export async function readProjectFigures<F>(db: Db, projectId: string): Promise<ProjectFiguresRow<F> | undefined> {
  return db('project_figures').where({ project_id: projectId }).first();
}

export async function saveProjectFigures(db: Db, projectId: string, computedAt: Date, figures: unknown): Promise<void> {
  await db('project_figures')
    .insert({ project_id: projectId, computed_at: computedAt, figures: JSON.stringify(figures) })
    .onConflict('project_id')
    .merge(['computed_at', 'figures']);
}

/** Projects whose figures are missing or computed before `before`, oldest first. */
export async function staleProjectIds(db: Db, before: Date, limit: number): Promise<string[]> {
  const rows = await db('projects as p')
    .leftJoin('project_figures as f', 'f.project_id', 'p.id')
    .where((q) => q.whereNull('f.computed_at').orWhere('f.computed_at', '<', before))
    .orderByRaw('f.computed_at NULLS FIRST, p.id')
    .limit(limit)
    .select('p.id');
  return rows.map((r: { id: string }) => r.id);
}
