import type { Db } from '../shared/db.js';
import type { Settings } from './schemas.js';

export interface SettingsRow {
  data: Settings;
  version: number;
  updated_at: Date;
}

export async function readSettingsRow(db: Db, forUpdate = false): Promise<SettingsRow | undefined> {
  const q = db('organisation_settings').where('id', 1).first('data', 'version', 'updated_at');
  return (await (forUpdate ? q.forUpdate() : q)) as SettingsRow | undefined;
}

export async function insertSettings(db: Db, data: Settings, userId: string | null): Promise<void> {
  await db('organisation_settings')
    .insert({ id: 1, data: JSON.stringify(data), updated_by: userId })
    .onConflict('id')
    .ignore();
}

export async function writeSettings(db: Db, data: Settings, userId: string | null, now: Date): Promise<SettingsRow> {
  const [row] = await db('organisation_settings')
    .where({ id: 1 })
    .update({ data: JSON.stringify(data), version: db.raw('version + 1'), updated_at: now, updated_by: userId })
    .returning(['data', 'version', 'updated_at']);
  return row as SettingsRow;
}
