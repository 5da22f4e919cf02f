import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { SETTINGS_ADMINS } from './policy.js';
import { SettingsPatch, SettingsResponse } from './schemas.js';
import { getSettings } from './get-settings.js';
import { updateSettings } from './update-settings.js';

const present = (s: { settings: unknown; version: number; updatedAt: Date | null }) => ({
  settings: s.settings,
  version: s.version,
  updatedAt: s.updatedAt ? s.updatedAt.toISOString() : null,
});

export function settingsRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/settings',
      access: SETTINGS_ADMINS,
      summary: 'Read the organisation settings',
      tags: ['settings'],
      responses: { 200: { description: 'Settings', schema: SettingsResponse } },
      handler: async (_req, res) => {
        res.json(present(await getSettings(deps.db)));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/settings',
      access: SETTINGS_ADMINS,
      summary: 'Change some organisation settings (nested objects merge); audited',
      tags: ['settings'],
      body: SettingsPatch,
      responses: { 200: { description: 'Settings after the change', schema: SettingsResponse } },
      handler: async (req, res) => {
        const result = await updateSettings(deps, req.ctx.acting, req.body);
        res.json(present(result));
      },
    }),
  ];
}
