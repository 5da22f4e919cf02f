export { getSettings } from './get-settings.js';
export { updateSettings } from './update-settings.js';
export { insertSettings } from './repo.js';
export { defaultSettings, COST_CATEGORIES, COST_CATEGORY_LABELS, type Settings, type CostCategory } from './schemas.js';
