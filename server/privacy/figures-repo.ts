import type { Db } from '../shared/db.js';

/** The retention forecast as stored (table privacy_figures). */
export interface StoredForecast {
  computed_at: Date;
  figures: { upcoming: { month: string; count: number }[] };
}

export async function readForecast(db: Db): Promise<StoredForecast | undefined> {
  return db('privacy_figures').where({ name: 'retention_upcoming' }).first('computed_at', 'figures');
}

export async function saveForecast(db: Db, computedAt: Date, figures: StoredForecast['figures']): Promise<void> {
  await db('privacy_figures')
    .insert({ name: 'retention_upcoming', computed_at: computedAt, figures: JSON.stringify(figures) })
    .onConflict('name')
    .merge(['computed_at', 'figures']);
}
