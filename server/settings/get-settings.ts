import type { Db } from '../shared/db.js';
import { defaultSettings, type Settings } from './schemas.js';
import { readSettingsRow } from './repo.js';

/** Reads the settings when first asked, for one request's or one run's `Acting` (shared/acting.ts). */
export function settingsLoader(db: Db): () => Promise<Settings> {
  return async () => (await getSettings(db)).settings;
}

/** The organisation's settings, or the defaults before anyone saved them (with the row's version). */
export async function getSettings(db: Db): Promise<{ settings: Settings; version: number; updatedAt: Date | null }> {
  const row = await readSettingsRow(db);
  if (!row) return { settings: defaultSettings(), version: 0, updatedAt: null };
  // Fields added after the row was written take their default.
  return {
    settings: mergeDeep(defaultSettings(), row.data) as Settings,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges `patch` into `base` field by field; nested objects merge, everything else replaces. */
export function mergeDeep(
  base: Record<string, unknown> | object,
  patch: Record<string, unknown> | object,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeDeep(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

/** Dotted names of the fields whose value differs. */
export function changedFields(before: unknown, after: unknown, prefix = ''): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((k) => changedFields(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}
