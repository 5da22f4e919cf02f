import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { recordAudit, sealAudit, verifyAuditChain } from '../../server/audit/index.js';
import { openServerDatabase } from '../../server/shared/db.js';
import { RECENT_WINDOW } from '../../server/audit/seal.js';
import { auditIds } from '../helpers/acting.js';

describe('audit log', () => {
  it('when a change is audited, then the event is listed with filters and the chain head is shown', async () => {
    const admin = await signedIn('admin');
    await admin.patch('/api/settings', { thresholds: { claimDeadlineMonths: 4 } });
    const r = await admin.get('/api/audit?action=settings.updated&limit=1');
    expect(r.status).to.equal(200);
    expect(r.body.items).to.have.length(1);
    expect(r.body.items[0]).to.include({
      action: 'settings.updated',
      actorUserId: admin.user.id,
      recordType: 'organisation_settings',
    });
    expect(r.body.items[0].seq).to.be.a('number');
    expect(r.body.head.hash).to.match(/^[0-9a-f]{64}$/);
    const page = await admin.get('/admin/audit');
    expect(page.text).to.include(r.body.head.hash);
  });

  it('when someone tries to update or delete an audit row, then the database refuses', async () => {
    const db = ctx().deps.db;
    await recordAudit(db, auditIds(), { action: 'test.append_only' });
    const row = await db('audit_events').where({ action: 'test.append_only' }).first();
    let updateError: unknown = null;
    await db('audit_events')
      .where({ id: row.id })
      .update({ action: 'test.changed' })
      .catch((e) => (updateError = e));
    expect(String(updateError)).to.match(/append-only/);
    let deleteError: unknown = null;
    await db('audit_events')
      .where({ id: row.id })
      .delete()
      .catch((e) => (deleteError = e));
    expect(String(deleteError)).to.match(/append-only/);
  });

  it('when a sealed audit row is tampered with, then the verifier reports the first broken link', async () => {
    const db = ctx().deps.db;
    const marker = randomUUID();
    for (let i = 0; i < 3; i++)
      await recordAudit(db, auditIds(), { action: 'test.tamper', recordId: `${marker}-${i}` });
    await sealAudit(ctx().deps);
    expect((await verifyAuditChain(ctx().deps)).ok).to.equal(true);
    const target = await db('audit_events')
      .where({ record_id: `${marker}-1` })
      .first();
    const link = await db('audit_chain').where({ event_id: target.id }).first();
    // A superuser can switch the trigger off: the chain still shows what was done.
    await db.raw('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    try {
      await db('audit_events').where({ id: target.id }).update({ reason_code: 'forged' });
    } finally {
      await db.raw('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    }
    const report = await verifyAuditChain(ctx().deps);
    expect(report.ok).to.equal(false);
    expect(report.firstBroken).to.deep.equal({
      seq: Number(link.seq),
      eventId: Number(target.id),
      reason: 'event content changed (or link not computed with the audit key)',
    });
    // Put it back so that later tests see an intact chain.
    await db.raw('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    try {
      await db('audit_events').where({ id: target.id }).update({ reason_code: null });
    } finally {
      await db.raw('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    }
    expect((await verifyAuditChain(ctx().deps)).ok).to.equal(true);
  });

  it('@pg when many writers and several sealers run at once, then every event is sealed exactly once and the chain never forks', async function () {
    this.timeout(60_000);
    const url = ctx().testDb.url!;
    const instances = await Promise.all([openServerDatabase(url, 10), openServerDatabase(url, 10)]);
    try {
      const marker = randomUUID();
      const writers = Array.from({ length: 40 }, (_, i) =>
        instances[i % 2].knex.transaction(async (trx) => {
          await recordAudit(trx, auditIds(), { action: 'test.concurrent', recordId: `${marker}-${i}` });
          await trx.raw('SELECT pg_sleep(?)', [Math.random() / 50]);
          await recordAudit(trx, auditIds(), { action: 'test.concurrent', recordId: `${marker}-${i}b` });
        }),
      );
      const sealers = Array.from({ length: 10 }, (_, i) =>
        sealAudit({ db: instances[i % 2].knex, config: ctx().deps.config }, 7),
      );
      await Promise.all([...writers, ...sealers]);
      await sealAudit({ db: instances[0].knex, config: ctx().deps.config });
      const report = await verifyAuditChain({ db: instances[1].knex, config: ctx().deps.config });
      expect(report.ok).to.equal(true);
      expect(report.unsealed).to.equal(0);
      const { rows } = await instances[0].knex.raw(
        'SELECT count(*) AS n, count(DISTINCT c.seq) AS seqs FROM audit_events e JOIN audit_chain c ON c.event_id = e.id WHERE e.record_id LIKE ?',
        [`${marker}%`],
      );
      expect(Number(rows[0].n)).to.equal(80);
      expect(Number(rows[0].seqs)).to.equal(80);
    } finally {
      await Promise.all(instances.map((i) => i.close()));
    }
  });

  it('@pg when an event commits after more than 10,000 later events were sealed, then the 5-second seal (recent events only, its cost flat with the log) leaves it and the hourly sweep seals it; the chain verifies', async function () {
    this.timeout(120_000);
    const url = ctx().testDb.url!;
    const late = await openServerDatabase(url, 2);
    const deps = { db: ctx().deps.db, config: ctx().deps.config };
    try {
      await sealAudit(deps);
      const marker = randomUUID();
      let lateId = '';
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let started: () => void = () => {};
      const inserted = new Promise<void>((resolve) => (started = resolve));
      const writer = late.knex.transaction(async (trx) => {
        await recordAudit(trx, auditIds(), { action: 'test.late', recordId: marker });
        lateId = String((await trx('audit_events').where({ record_id: marker }).first('id')).id);
        started();
        await held;
      });
      await inserted;
      await ctx().deps.db.raw(
        `INSERT INTO audit_events (action, record_type, record_id, data)
         SELECT 'test.filler', 'test', ?, '{}'::jsonb FROM generate_series(1, ?)`,
        [marker, RECENT_WINDOW + 1],
      );
      await sealAudit(deps, 5000, 'recent');
      release();
      await writer;
      const sealed = async () => !!(await ctx().deps.db('audit_chain').where({ event_id: lateId }).first('seq'));
      await sealAudit(deps, 5000, 'recent');
      expect(await sealed()).to.equal(false);
      await sealAudit(deps);
      expect(await sealed()).to.equal(true);
      const report = await verifyAuditChain(deps);
      expect(report.ok).to.equal(true);
      expect(report.unsealed).to.equal(0);
    } finally {
      await late.close();
    }
  });
});
