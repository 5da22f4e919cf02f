// Settings — the organisation's settings (docs/domain.md#organisation-settings).
// Words: paramètres de l’organisation → settings; régie → payer mode sepa_transfer; imputation → accounting code.
// Shape: one row: identity, time zone, payer mode, debtor account, accounting codes per cost
//   category (docs/domain.md#cost-categories), retention periods and thresholds.
// Owns: organisation_settings.
// Calls: audit, auth; shared/.
export { getSettings, settingsLoader } from './get-settings.js';
export { updateSettings } from './update-settings.js';
export { insertSettings } from './repo.js';
export { defaultSettings, COST_CATEGORIES, COST_CATEGORY_LABELS, type Settings, type CostCategory } from './schemas.js';
