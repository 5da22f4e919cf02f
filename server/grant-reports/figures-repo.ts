import type { Db } from '../shared/db.js';
import type { Attendance } from './repo.js';

/** A grant's figures computed in the background (table grant_figures): attendance over its period. */
export interface GrantFiguresRow {
  grant_id: string;
  computed_at: Date;
  figures: { attendance: Attendance };
}

export async function readGrantFigures(db: Db, grantId: string): Promise<GrantFiguresRow | undefined> {
  return db('grant_figures').where({ grant_id: grantId }).first();
}

export async function saveGrantFigures(
  db: Db,
  grantId: string,
  computedAt: Date,
  figures: GrantFiguresRow['figures'],
): Promise<void> {
  await db('grant_figures')
    .insert({ grant_id: grantId, computed_at: computedAt, figures: JSON.stringify(figures) })
    .onConflict('grant_id')
    .merge(['computed_at', 'figures']);
}

/** Grants whose figures are missing or computed before `before`, oldest first. */
export async function staleGrantIds(db: Db, before: Date, limit: number): Promise<string[]> {
  const rows = await db('grants as g')
    .leftJoin('grant_figures as f', 'f.grant_id', 'g.id')
    .where((q) => q.whereNull('f.computed_at').orWhere('f.computed_at', '<', before))
    .orderByRaw('f.computed_at NULLS FIRST, g.id')
    .limit(limit)
    .select('g.id');
  return rows.map((r: { id: string }) => r.id);
}
