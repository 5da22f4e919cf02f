import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { systemActing, withSettingsRead } from '../../server/shared/acting.js';
import { settingsLoader } from '../../server/settings/index.js';
import { signedIn, createParticipant } from '../helpers/factories.js';
import { rowCounts } from '../helpers/routes.js';
import { openServerDatabase } from '../../server/shared/db.js';
import type { Deps } from '../../server/shared/deps.js';
import { executeRetention, runDailyRetention } from '../../server/privacy/index.js';
import { retentionCommand } from '../../server/privacy/retention-cli.js';
import { atClock, createFullPerson, runRetention, years } from './helpers.js';

// Each test works in its own era of the past (see lifecycle.test.ts): only its own people are due.
const UNTOUCHED_TABLES = ['jobs', 'audit_events', 'audit_chain', 'web_sessions'];

async function participantsSnapshot(ids: string[]) {
  return ctx().deps.db('participants').whereIn('id', ids).orderBy('id').select('*');
}

async function createDue(n: number, lastContactAt: Date): Promise<string[]> {
  const db = ctx().deps.db;
  const rows = Array.from({ length: n }, (_, i) => ({
    first_name: 'Lot',
    last_name: `Personne${i}`,
    preferred_channel: 'letter',
    last_contact_at: lastContactAt,
  }));
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500)
    ids.push(
      ...(
        await db('participants')
          .insert(rows.slice(i, i + 500))
          .returning('id')
      ).map((r) => r.id as string),
    );
  return ids;
}

describe('retention runs', () => {
  it('when a dry run is made, then it counts per step, table and category and changes nothing', async () => {
    const era = new Date('1995-04-01T08:00:00Z');
    const people = [await createFullPerson({ lastContactAt: era }), await createFullPerson({ lastContactAt: era })];
    const ids = people.map((p) => p.id);
    const dpo = await signedIn('dpo');
    const before = await rowCounts(UNTOUCHED_TABLES);
    const snapshot = await participantsSnapshot(ids);
    const payees = await ctx().deps.db('payees').whereIn('participant_id', ids).orderBy('id');
    await atClock(years(era, 3), async () => {
      const result = await runRetention(dpo, 'dry_run');
      expect(result.participants.anonymise).to.be.at.least(2);
      expect(result.erased.anonymise.participants.identity).to.be.at.least(2);
      expect(result.erased.anonymise.payees.bank).to.be.at.least(2);
      expect(result.erased.anonymise.files.evidence).to.be.at.least(2);
      const overview = await dpo.get('/api/privacy/retention');
      expect(overview.status).to.equal(200);
      expect(overview.body.due.anonymise).to.be.at.least(2);
      expect(overview.body.runs.find((r: { id: string }) => r.id === result.jobId)).to.include({
        mode: 'dry_run',
        trigger: 'api',
        status: 'completed',
      });
    });
    expect(await rowCounts(UNTOUCHED_TABLES)).to.deep.equal(before);
    expect(await participantsSnapshot(ids)).to.deep.equal(snapshot);
    expect(await ctx().deps.db('payees').whereIn('participant_id', ids).orderBy('id')).to.deep.equal(payees);
    const audit = await ctx()
      .deps.db('audit_events')
      .where({ action: 'retention.previewed' })
      .orderBy('id', 'desc')
      .first();
    expect(JSON.stringify(audit.data)).to.not.include(people[0].last_name);
  });

  it('when retention is applied twice, then the second run finds nothing and changes nothing', async () => {
    const era = new Date('1996-05-01T08:00:00Z');
    const person = await createFullPerson({ lastContactAt: era });
    const dpo = await signedIn('dpo');
    await atClock(years(era, 3), async () => {
      const first = await runRetention(dpo, 'apply');
      expect(first.participants.anonymise).to.be.at.least(1);
      const after = await participantsSnapshot([person.id]);
      const counts = await rowCounts(UNTOUCHED_TABLES);
      const second = await runRetention(dpo, 'apply');
      expect(second.participants).to.deep.equal({ archive: 0, anonymise: 0 });
      expect(second.erased).to.deep.equal({ archive: {}, anonymise: {} });
      expect(await participantsSnapshot([person.id])).to.deep.equal(after);
      expect(await rowCounts(UNTOUCHED_TABLES)).to.deep.equal(counts);
    });
    const batches = await ctx().deps.db('audit_events').where({ action: 'retention.batch_applied' }).select('data');
    expect(batches.some((b) => b.data.participants.anonymise >= 1)).to.equal(true);
  });

  it('when someone without the dpo or admin role asks, then retention is refused', async () => {
    for (const role of ['staff', 'finance', 'auditor', 'project_lead'] as const) {
      const client = await signedIn(role);
      expect((await client.get('/api/privacy/retention')).status, role).to.equal(403);
      expect((await client.post('/api/privacy/retention/runs', { mode: 'apply' })).status, role).to.equal(403);
    }
    const admin = await signedIn('admin');
    expect((await admin.get('/api/privacy/retention')).status).to.equal(200);
  });

  it('when the operator runs the command line, then a progress bar and the counts are printed, without personal data', async () => {
    const era = new Date('1997-06-01T08:00:00Z');
    const person = await createFullPerson({ lastContactAt: era });
    const out: string[] = [];
    const deps: Deps = { ...ctx().deps, now: () => years(era, 3) };
    expect(await retentionCommand(deps, ['--dry-run'], (t) => out.push(t))).to.equal(0);
    expect((await ctx().deps.db('participants').where({ id: person.id }).first()).status).to.equal('active');
    expect(await retentionCommand(deps, ['--apply', '--batch', '50'], (t) => out.push(t))).to.equal(0);
    expect((await ctx().deps.db('participants').where({ id: person.id }).first()).status).to.equal('anonymised');
    const text = out.join('');
    expect(text).to.match(/\[#+-*\]\s+100 %/);
    expect(text).to.include('Dry run (nothing changed)').and.include('participants anonymised:');
    for (const needle of person.needles) expect(text).to.not.include(needle);
    expect(await retentionCommand(deps, [], (t) => out.push(t))).to.equal(64);
  });

  it('when the daily job runs, then it applies retention once per day, and not at all when the setting is off', async () => {
    const era = new Date('1998-07-01T08:00:00Z');
    const person = await createFullPerson({ lastContactAt: era });
    const deps: Deps = { ...ctx().deps, now: () => years(era, 3) };
    const first = await runDailyRetention(deps);
    expect(first?.status).to.equal('completed');
    expect((first?.params as { trigger: string }).trigger).to.equal('daily');
    expect((await ctx().deps.db('participants').where({ id: person.id }).first()).status).to.equal('anonymised');
    expect(await runDailyRetention(deps)).to.equal(null);
    const admin = await signedIn('admin');
    expect((await admin.patch('/api/settings', { retention: { dailyRun: false } })).status).to.equal(200);
    try {
      expect(await runDailyRetention({ ...deps, now: () => years(era, 3, 1) })).to.equal(null);
    } finally {
      await admin.patch('/api/settings', { retention: { dailyRun: true } });
    }
  });

  it('@pg when two instances apply retention at once, then each person is processed exactly once', async function () {
    this.timeout(120_000);
    const era = new Date('1980-01-15T08:00:00Z');
    const n = 1200;
    const ids = await createDue(n, era);
    const url = ctx().testDb.url!;
    const [a, b] = [await openServerDatabase(url, 4), await openServerDatabase(url, 4)];
    try {
      const depsOf = (db: typeof a): Deps => ({ ...ctx().deps, db: db.knex, now: () => years(era, 3) });
      const actingOn = (d: Deps) =>
        withSettingsRead(systemActing({ now: d.now(), settings: settingsLoader(d.db), runId: 'concurrency-test' }));
      const [actingA, actingB] = [await actingOn(depsOf(a)), await actingOn(depsOf(b))];
      const [ra, rb] = await Promise.all([
        executeRetention(depsOf(a), actingA, { mode: 'apply', jobId: null, batchSize: 50 }),
        executeRetention(depsOf(b), actingB, { mode: 'apply', jobId: null, batchSize: 50 }),
      ]);
      expect(ra.participants.anonymise + rb.participants.anonymise).to.equal(n);
      expect(ra.participants.anonymise, 'both runners took a share').to.be.greaterThan(0);
      expect(rb.participants.anonymise, 'both runners took a share').to.be.greaterThan(0);
      expect(
        (ra.erased.anonymise.participants?.identity ?? 0) + (rb.erased.anonymise.participants?.identity ?? 0),
      ).to.equal(n);
      const statuses = await ctx()
        .deps.db('participants')
        .whereIn('id', ids)
        .groupBy('status')
        .select('status')
        .count({ n: '*' });
      expect(statuses).to.deep.equal([{ status: 'anonymised', n }]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('when a recent participant exists, then a run at today’s date leaves them untouched', async () => {
    const recent = await createParticipant();
    const dpo = await signedIn('dpo');
    await runRetention(dpo, 'dry_run');
    expect((await ctx().deps.db('participants').where({ id: recent.id }).first()).status).to.equal('active');
  });
});
