import type { Deps } from './shared/deps.js';
import { inTransaction } from './shared/db.js';
import { systemActing, withSettingsRead } from './shared/acting.js';
import { recordAudit } from './audit/index.js';
import { generatePassword, hashPassword, insertAccount } from './auth/index.js';
import { defaultSettings, insertSettings, settingsLoader } from './settings/index.js';
import { loadDemo } from './demo/index.js';

export interface BootstrapResult {
  admin: { email: string; password: string | null } | null;
  demoLoaded: boolean;
}

export const DEFAULT_ADMIN_EMAIL = 'admin@participation.local';

/**
 * Makes an empty database usable: the settings row, and a first admin (from ADMIN_EMAIL and
 * ADMIN_PASSWORD, or with a generated password returned once). Loads the demo data when
 * asked to (a fresh embedded folder).
 */
export async function bootstrap(deps: Deps, options: { loadDemoData: boolean }): Promise<BootstrapResult> {
  await insertSettings(deps.db, defaultSettings(), null);
  const { n } = (await deps.db('users').count<{ n: number }[]>({ n: '*' }))[0];
  let admin: BootstrapResult['admin'] = null;
  if (Number(n) === 0) {
    const email = deps.config.adminEmail ?? DEFAULT_ADMIN_EMAIL;
    const generated = deps.config.adminPassword ? null : generatePassword();
    const hash = await hashPassword(deps.config.adminPassword ?? generated!);
    const acting = await withSettingsRead(systemActing({ now: deps.now(), settings: settingsLoader(deps.db) }));
    await inTransaction(deps.db, async (trx) => {
      const row = await insertAccount<{ id: string }>(trx, {
        email,
        name: 'Administrateur',
        roles: ['admin'],
        passwordHash: hash,
        mustChangePassword: false,
      });
      await recordAudit(trx, acting, {
        action: 'user.created',
        recordType: 'user',
        recordId: row.id,
        reasonCode: 'first_admin',
        data: { roles: ['admin'] },
      });
    });
    admin = { email, password: generated };
  }
  let demoLoaded = false;
  if (options.loadDemoData) demoLoaded = await loadDemo(deps);
  return { admin, demoLoaded };
}
