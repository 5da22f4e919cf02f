import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { isValidIBAN } from 'ibantools';
import { createKeyring } from '../../server/shared/crypto.js';
import { createScratchDatabase, migrateLatest, openEmbeddedDatabase } from '../../server/shared/db.js';
import { generateData } from '../../scripts/generate-data.js';
import { checkInvariants, formatInvariants, violationCount } from '../../scripts/fault/invariants.js';
import { loadConfig } from '../../server/config.js';

const keyring = createKeyring('k1', { k1: Buffer.alloc(32, 3) });
/** The service's configuration as the generator sees it: fixed audit keys, a fresh checkpoint folder per run. */
const configFor = () =>
  loadConfig({
    DATA_DIR: 'test-results/data',
    ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    AUDIT_HMAC_KEY: Buffer.alloc(32, 4).toString('base64'),
    AUDIT_SIGNING_KEY: Buffer.alloc(32, 5).toString('base64'),
    AUDIT_CHECKPOINT_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-gen-checkpoints-')),
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  });

/** A fresh, migrated database of the kind this run uses (a scratch database on the server, or an in-memory PGlite). */
async function freshDatabase() {
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL, 'pbo_gen', 4);
    await migrateLatest(scratch.database.knex);
    return { db: scratch.database.knex, drop: () => scratch.drop() };
  }
  const database = await openEmbeddedDatabase(null);
  await migrateLatest(database.knex);
  return { db: database.knex, drop: () => database.close() };
}

/** What must be equal for the same seed: row counts, money sums and the first ids. */
async function fingerprint(db: import('knex').Knex) {
  const { rows } = await db.raw(`
    SELECT (SELECT sum(amount_requested_cents) FROM claims) AS requested,
           (SELECT sum(amount_cents) FROM payments) AS paid,
           (SELECT sum(amount_cents) FROM expense_parts) AS parts,
           (SELECT sum(amount_cents) FROM budget_lines) AS planned,
           (SELECT count(*) FROM payments WHERE status = 'rejected') AS rejected,
           (SELECT count(*) FROM claims WHERE is_advance) AS advances,
           (SELECT string_agg(purpose_code || expires_on, ',' ORDER BY id) FROM consents WHERE expires_on IS NOT NULL) AS expiries,
           (SELECT string_agg(id::text, ',' ORDER BY reference) FROM (SELECT id, reference FROM claims ORDER BY reference LIMIT 5) c) AS first_claims,
           (SELECT string_agg(commune_insee, ',' ORDER BY reference) FROM (SELECT commune_insee, reference FROM participants ORDER BY reference LIMIT 20) p) AS communes`);
  return rows[0];
}

describe('data generator', () => {
  it('when a small scale is generated twice with one seed, then the data pass the invariant checker and both runs give the same counts, sums and ids', async function () {
    this.timeout(300_000);
    const runs = [];
    for (const seed of [7, 7]) {
      const fresh = await freshDatabase();
      try {
        const config = configFor();
        const summary = await generateData(fresh.db, keyring, {
          scale: 0.001,
          seed,
          until: '2026-11-26',
          quiet: true,
          config,
        });
        expect(summary.checkpointProblem).to.equal(null);
        // The audit chain verifies with the app's verifier, against the checkpoint signed over its head.
        const results = await checkInvariants(fresh.db, { outboxDelivered: false, audit: config });
        expect(results.find((x) => x.name === 'audit chain intact')?.checked).to.equal(summary.counts.audit_events);
        expect(violationCount(results), formatInvariants(results)).to.equal(0);
        // Bank details are sealed like the app seals them: they decrypt to valid French IBANs.
        const payees = await fresh.db('payees').whereNotNull('iban_ciphertext').limit(20);
        expect(payees.length).to.be.greaterThan(0);
        for (const p of payees) {
          const iban = keyring.decrypt(p.iban_ciphertext, p.iban_key_id);
          expect(isValidIBAN(iban) && iban.startsWith('FR76')).to.equal(true);
          expect(p.iban_hash).to.equal(keyring.keyedHash(iban));
        }
        runs.push({ counts: summary.counts, print: await fingerprint(fresh.db) });
      } finally {
        await fresh.drop();
      }
    }
    const [a, b] = runs;
    expect(a.counts.participants).to.equal(200);
    expect(a.counts.claims).to.equal(1000);
    expect(a.counts.claim_lines).to.be.within(2500, 3500);
    expect(a.counts.payments).to.be.greaterThan(0);
    expect(a.counts.expense_parts).to.be.greaterThan(a.counts.claims);
    // What real use fills: a few audit events and two messages per claim, consents.
    expect(a.counts.audit_events).to.be.within(2.5 * a.counts.claims, 3.5 * a.counts.claims);
    expect(a.counts.audit_chain).to.equal(a.counts.audit_events);
    expect(a.counts.outbox_messages).to.be.within(1.5 * a.counts.claims, 2 * a.counts.claims);
    expect(a.counts.consents).to.be.greaterThan(a.counts.participants);
    expect(b.counts).to.deep.equal(a.counts);
    expect(b.print).to.deep.equal(a.print);
  });
});
