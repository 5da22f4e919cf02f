import { expect } from 'chai';
import { startTestContext, ctx } from './context.js';
import { DEMO_USERS } from '../../db/seeds/demo.js';

/** Mocha root hooks: one fresh database and app for the run, dropped at the end. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    const c = await startTestContext();
    process.stdout.write(`  database: ${c.deps.dbKind === 'server' ? 'PostgreSQL server' : 'embedded PGlite (in memory)'}\n`);
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    const c = ctx();
    try {
      // The logs of the whole run must hold no personal data: no name or e-mail of any
      // account (demo people included), no IBAN.
      const people = await c.deps.db('users').select('email', 'name');
      const needles = [...people.flatMap((p) => [p.email, p.name]), ...DEMO_USERS.flatMap((u) => [u.email, u.name])].filter((n) => n && n.length > 4);
      const logs = c.logs.join('');
      const found = [...new Set(needles.filter((n) => logs.toLowerCase().includes(n.toLowerCase())))];
      expect(found, 'personal data found in the logs').to.deep.equal([]);
      expect(logs).to.not.match(/FR76\s?\d{4}/);
    } finally {
      await c.close();
    }
  },
};
