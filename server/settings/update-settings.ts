import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { validate } from '../shared/validate.js';
import { normaliseIban } from '../shared/validators.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { Settings, defaultSettings, type SettingsPatch } from './schemas.js';
import { changedFields, mergeDeep } from './get-settings.js';
import { insertSettings, readSettingsRow, writeSettings } from './repo.js';

/**
 * Applies a partial change to the settings, validates the whole result and audits the
 * names of the fields that changed (never their values). Reads the row itself (locked), not
 * `acting.settings()`: its version is what the change builds on.
 */
export async function updateSettings(deps: Deps, acting: Acting, patch: SettingsPatch) {
  return inTransaction(deps.db, async (trx) => {
    let row = await readSettingsRow(trx, true);
    if (!row) {
      await insertSettings(trx, defaultSettings(), acting.actor.userId);
      row = (await readSettingsRow(trx, true))!;
    }
    const before = mergeDeep(defaultSettings(), row.data);
    const merged = mergeDeep(before, patch);
    const next = validate(Settings, merged);
    if (next.debtor.iban) next.debtor.iban = normaliseIban(next.debtor.iban);
    if (next.debtor.bic) next.debtor.bic = next.debtor.bic.replace(/\s/g, '').toUpperCase();
    if (next.siret) next.siret = next.siret.replace(/\s/g, '');
    const fields = changedFields(before, next);
    if (fields.length === 0)
      return { settings: next, version: row.version, updatedAt: row.updated_at, changed: fields };
    const saved = await writeSettings(trx, next, acting.actor.userId, acting.now);
    await recordAudit(trx, acting, {
      action: 'settings.updated',
      recordType: 'organisation_settings',
      recordId: '1',
      data: { fields },
    });
    return { settings: saved.data, version: saved.version, updatedAt: saved.updated_at, changed: fields };
  });
}
