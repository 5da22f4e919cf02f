import { expect } from 'chai';
import { startTestContext, ctx } from './context.js';
import { DEMO_USERS } from '../../server/demo/load-demo.js';
import { DEMO_PEOPLE } from '../../server/demo/participants.js';
import { consentBasedMessagesWithoutConsent } from './consent-walk.js';
import { validateStoredBankFiles } from './bank-files.js';
import { replayFailures, unflaggedMoneyRoutes } from './money-walk.js';
import { undeclaredRefusals } from './error-walk.js';

/** Mocha root hooks: one fresh database and app for the run, dropped at the end. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    const c = await startTestContext();
    process.stdout.write(
      `  database: ${c.deps.dbKind === 'server' ? 'PostgreSQL server' : 'embedded PGlite (in memory)'}\n`,
    );
  },
  // Every SEPA file a test made (each is frozen in the database at export) passes the ISO
  // 20022 and EPC schemas: checked after each test, so no test can skip it.
  async afterEach(this: Mocha.Context) {
    this.timeout(60_000);
    await validateStoredBankFiles();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    const c = ctx();
    try {
      await validateStoredBankFiles();
      // The logs of the whole run must hold no personal data: no name or e-mail of any
      // account (demo people included), no IBAN.
      const people = await c.deps.db('users').select('email', 'name');
      // Participants and payees too (the demo people and everyone the tests created, while
      // their data is still there): names, e-mails and phone numbers, as stored and as digits.
      const participants = await c.deps
        .db('participants')
        .select('first_name', 'last_name', 'email', 'phone', 'guardian_name', 'guardian_email', 'guardian_phone');
      const payees = await c.deps.db('payees').whereNotNull('name').pluck('name');
      const phone = (p: string | null | undefined) => (p ? [p, p.replace(/\D/g, '')] : []);
      const needles = [
        ...people.flatMap((p) => [p.email, p.name]),
        ...DEMO_USERS.flatMap((u) => [u.email, u.name]),
        ...DEMO_PEOPLE.flatMap((p) => [
          `${p.firstName} ${p.lastName}`,
          p.email,
          p.guardianName,
          p.guardianEmail,
          ...phone(p.phone),
          ...phone(p.guardianPhone),
        ]),
        ...participants.flatMap((p) => [
          p.first_name && p.last_name ? `${p.first_name} ${p.last_name}` : null,
          p.email,
          p.guardian_name,
          p.guardian_email,
          ...phone(p.phone),
          ...phone(p.guardian_phone),
        ]),
        ...payees,
      ].filter((n): n is string => typeof n === 'string' && n.length > 6);
      const logs = c.logs.join('');
      const found = [...new Set(needles.filter((n) => logs.toLowerCase().includes(n.toLowerCase())))];
      expect(found, 'personal data found in the logs').to.deep.equal([]);
      expect(logs).to.not.match(/FR76\s?\d{4}/);
      // Every message of the whole run, whatever wrote it: no consent-based message (invitation,
      // reminder, news…) reached a person without a live contact consent (docs/domain.md#messages-and-their-legal-basis).
      expect(
        await consentBasedMessagesWithoutConsent(c.deps.db),
        'consent-based messages queued without a live contact consent',
      ).to.deep.equal([]);
      // Every POST the suite sent that added rows to a money table must be idempotent (money-walk.ts).
      expect(unflaggedMoneyRoutes(), 'money-creating POST routes without idempotent: true').to.deep.equal([]);
      expect(replayFailures, 'idempotent routes that did not replay the same key').to.deep.equal([]);
      // Every refusal an API route answered is generic or declared in its spec's errors (error-walk.ts).
      expect(undeclaredRefusals(), 'API refusals their route does not declare (errors: […])').to.deep.equal([]);
    } finally {
      await c.close();
    }
  },
};
