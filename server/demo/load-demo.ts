import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import type { Role } from '../shared/authorize.js';
import { recordAudit } from '../audit/index.js';
import { hashPassword } from '../auth/index.js';
import { updateSettings } from '../settings/index.js';
import { demoParticipants } from './participants.js';
import { demoConsents } from './consents.js';
import { demoPrivacy } from './privacy.js';
import { demoLogistics } from './logistics.js';
import { demoClaims } from './claims.js';
import { demoGrants } from './grants.js';
import { demoPayments } from './payments.js';
import { demoGrantReports } from './grant-reports.js';
import { demoSystem } from './acting.js';

/** Every demo account uses this password (documented in the README); change it before real use. */
export const DEMO_PASSWORD = 'Demo-Atelier-2026';

export const DEMO_USERS: { email: string; name: string; roles: Role[] }[] = [
  { email: 'claire.martin@departement.example', name: 'Claire Martin', roles: ['staff'] },
  { email: 'karim.benali@departement.example', name: 'Karim Benali', roles: ['project_lead'] },
  { email: 'sophie.lefevre@departement.example', name: 'Sophie Lefèvre', roles: ['finance'] },
  { email: 'jean-marc.rousseau@departement.example', name: 'Jean-Marc Rousseau', roles: ['dpo'] },
  { email: 'nadia.haddad@departement.example', name: 'Nadia Haddad', roles: ['auditor'] },
  { email: 'admin.demo@departement.example', name: 'Lucie Garnier', roles: ['admin'] },
];

/**
 * Later capabilities add their demo data here, in order (each step receives the staff ids by
 * e-mail and may read what earlier steps inserted).
 */
export type DemoStep = (deps: Deps, staff: Record<string, string>) => Promise<void>;
const DEMO_STEPS: DemoStep[] = [
  demoParticipants,
  demoConsents,
  demoLogistics,
  demoGrants,
  demoClaims,
  demoPayments,
  demoGrantReports,
  demoPrivacy,
];

/** True when the database holds nothing but the first admin and the settings. */
export async function isEmptyForDemo(deps: Deps): Promise<boolean> {
  const { n } = (await deps.db('users').count<{ n: number }[]>({ n: '*' }))[0];
  return Number(n) <= 1;
}

/**
 * Loads a realistic French département (the Drôme): its settings and staff accounts for
 * every role. Later capabilities extend it (partners, participants, sessions, claims…).
 * Returns false, changing nothing, when the database is not empty.
 */
export async function loadDemo(deps: Deps): Promise<boolean> {
  if (!(await isEmptyForDemo(deps))) return false;
  await updateSettings(deps, await demoSystem(deps), {
    name: 'Département de la Drôme',
    legalForm: 'public_body',
    siret: '22260001700008',
    address: { line1: '26 avenue du Président Herriot', line2: '', postalCode: '26000', city: 'Valence' },
    phone: '04 75 79 26 26',
    dpo: { name: 'Délégué à la protection des données', email: 'dpo@departement.example', phone: '04 75 79 26 26' },
    timeZone: 'Europe/Paris',
    payerMode: 'accounting_export',
    debtor: { name: 'Département de la Drôme — régie d’avances', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP' },
  });
  // Acting again once the demo settings are saved (the first one read them before).
  const system = await demoSystem(deps);
  const hash = await hashPassword(DEMO_PASSWORD);
  const staff: Record<string, string> = {};
  await inTransaction(deps.db, async (trx) => {
    for (const u of DEMO_USERS) {
      const [row] = await trx('users')
        .insert({ email: u.email, name: u.name, roles: u.roles, password_hash: hash })
        .returning('id');
      staff[u.email] = row.id;
      await recordAudit(trx, system, {
        action: 'user.created',
        recordType: 'user',
        recordId: row.id,
        reasonCode: 'demo',
        data: { roles: u.roles },
      });
    }
  });
  for (const step of DEMO_STEPS) await step(deps, staff);
  await recordAudit(deps.db, system, { action: 'demo.loaded', reasonCode: 'demo' });
  return true;
}
