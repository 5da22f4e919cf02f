import { expect } from 'chai';
import { createHmac, createPublicKey, randomBytes, randomUUID, verify as verifySignature } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ctx, testConfig } from '../helpers/context.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { signedIn } from '../helpers/factories.js';
import {
  auditVerifyCommand,
  recordAudit,
  sealAndCheckpoint,
  sealAudit,
  startAuditEpoch,
  verifyAuditChain,
  writeAuditCheckpoint,
} from '../../server/audit/index.js';
import { createLogger } from '../../server/shared/logger.js';
import { systemActing } from '../../server/shared/acting.js';
import { settingsLoader } from '../../server/settings/index.js';
import { canonicalJson, readSignedFiles, signPayload } from '../../server/audit/checkpoints.js';
import { createAuditKeys, auditKeysFromConfig } from '../../server/audit/keys.js';
import { canonicalOf, EVENT_COLUMNS, GENESIS, SWITCH_ACTION, walkChain } from '../../server/audit/chain.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import type { Db } from '../../server/shared/db.js';
import { auditIds } from '../helpers/acting.js';

/**
 * The attacker: a database superuser without the service's environment. Each test gets its
 * own database and checkpoint folder, because the attacks destroy the chain.
 */
interface Trail {
  db: Db;
  deps: { db: Db; config: ReturnType<typeof testConfig>; now: () => Date };
  dir: string;
  testDb: TestDatabase;
}
let trail: Trail;

/** The operator's command-line tool acting on the trail's database. */
const operator = (runId: string | null) =>
  systemActing({ now: trail.deps.now(), settings: settingsLoader(trail.deps.db), runId });

/** `n` audited changes, sealed, and a checkpoint signed over them. */
async function history(n: number, tag = 'test.attack') {
  for (let i = 0; i < n; i++) await recordAudit(trail.db, auditIds(), { action: tag, recordId: `r-${i}` });
  await sealAudit(trail.deps);
  const { written, problem } = await writeAuditCheckpoint(trail.deps, { force: true });
  expect(problem).to.equal(null);
  return written!;
}

/** What a superuser can do: switch the append-only triggers off around a change. */
async function asSuperuser(fn: () => Promise<unknown>) {
  await trail.db.raw('ALTER TABLE audit_events DISABLE TRIGGER USER; ALTER TABLE audit_chain DISABLE TRIGGER USER');
  try {
    await fn();
  } finally {
    await trail.db.raw('ALTER TABLE audit_events ENABLE TRIGGER USER; ALTER TABLE audit_chain ENABLE TRIGGER USER');
  }
}

/** The attack of the issue: recompute the whole chain as plain SHA-256, in SQL only. */
const RECOMPUTE_SHA256_IN_SQL = `
  DO $$ DECLARE r record; prev text := repeat('0', 64); h text;
  BEGIN
    FOR r IN SELECT c.seq, e AS ev FROM audit_chain c JOIN audit_events e ON e.id = c.event_id ORDER BY c.seq LOOP
      h := encode(sha256(convert_to(prev || '|' || audit_event_canonical(r.ev), 'UTF8')), 'hex');
      UPDATE audit_chain SET prev_hash = prev, hash = h WHERE seq = r.seq;
      prev := h;
    END LOOP;
  END $$`;

async function editEvent(recordId: string) {
  await trail.db('audit_events').where({ record_id: recordId }).update({ reason_code: 'forged' });
}

async function lines(args: string[] = []) {
  const out: string[] = [];
  const code = await auditVerifyCommand(trail.deps, args, (l) => out.push(l));
  return { code, text: out.join('\n') };
}

async function switchSeq(): Promise<number> {
  const row = await trail
    .db('audit_chain as c')
    .join('audit_events as e', 'e.id', 'c.event_id')
    .where('e.action', SWITCH_ACTION)
    .first('c.seq');
  return Number(row.seq);
}

describe('audit chain against a database superuser', function () {
  this.timeout(60_000);
  beforeEach(async function () {
    this.timeout(120_000);
    const testDb = await createTestDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-attack-'));
    const config = testConfig({ AUDIT_CHECKPOINT_DIR: dir });
    trail = {
      db: testDb.database.knex,
      deps: { db: testDb.database.knex, config, now: () => new Date() },
      dir,
      testDb,
    };
    // An install that had audit events before this change: they were sealed in plain SHA-256.
    for (let i = 0; i < 2; i++) await recordAudit(trail.db, auditIds(), { action: 'test.legacy' });
    await sealAudit(trail.deps);
  });
  afterEach(async function () {
    this.timeout(60_000);
    await trail.testDb.drop();
    fs.rmSync(trail.dir, { recursive: true, force: true });
  });

  it('regression (issue 13): when a superuser edits an event and recomputes the SHA-256 chain in SQL, then audit-verify does not say "intact"', async () => {
    await history(5);
    const keyedFrom = await switchSeq();
    await asSuperuser(async () => {
      await editEvent('r-2');
      await trail.db.raw(RECOMPUTE_SHA256_IN_SQL);
    });
    // The forged chain is a perfect plain SHA-256 chain: exactly what the old verifier accepted.
    const plain = await walkChain(trail.db, {
      start: { seq: 0, hash: GENESIS },
      hmacKey: Buffer.alloc(32),
      switchSeq: null,
    });
    expect(plain.broken).to.equal(null);

    const { code, text } = await lines();
    expect(code).to.equal(3);
    expect(text).to.not.include('Audit chain intact');
    expect(text).to.include(`AUDIT CHAIN BROKEN at link #${keyedFrom}`);
    const report = await verifyAuditChain(trail.deps);
    expect(report.firstBroken).to.include({
      seq: keyedFrom,
      reason: 'event content changed (or link not computed with the audit key)',
    });
  });

  it('when the chain is also downgraded (switch event removed, links renumbered and recomputed in plain SHA-256), then the signed switch exposes it', async () => {
    const signed = await history(4);
    const keyedFrom = await switchSeq();
    await asSuperuser(async () => {
      const sw = await trail.db('audit_events').where({ action: SWITCH_ACTION }).first('id');
      await trail.db('audit_chain').where({ event_id: sw.id }).delete();
      await trail.db('audit_events').where({ id: sw.id }).delete();
      await trail.db.raw('UPDATE audit_chain SET seq = -seq WHERE seq > ?', [keyedFrom]);
      await trail.db.raw('UPDATE audit_chain SET seq = -seq - 1 WHERE seq < 0');
      await editEvent('r-1');
      await trail.db.raw(RECOMPUTE_SHA256_IN_SQL);
    });
    const report = await verifyAuditChain(trail.deps);
    expect(report.ok).to.equal(false);
    expect(report.keyedFromSeq).to.equal(keyedFrom);
    expect(report.firstBroken?.seq).to.equal(keyedFrom);
    // And the service refuses to sign a checkpoint over it.
    const refused = await writeAuditCheckpoint(trail.deps, { force: true });
    expect(refused.written).to.equal(null);
    expect(refused.problem).to.equal(`truncated: link #${signed.seq} of the last signed statement is gone`);
  });

  it('when a superuser edits an event and redefines the database function that renders events, then the edit is still detected', async () => {
    await history(3);
    const target = await trail.db('audit_events').where({ record_id: 'r-1' }).first('id');
    const link = await trail.db('audit_chain').where({ event_id: target.id }).first('seq');
    await asSuperuser(async () => {
      await editEvent('r-1');
      // The function now shows the edited event as it was before the edit.
      await trail.db
        .raw(`CREATE OR REPLACE FUNCTION audit_event_canonical(e audit_events) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
        SELECT concat_ws('|', e.id::text, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          coalesce(e.actor_user_id::text, ''), coalesce(e.actor_token_id::text, ''), e.action, coalesce(e.record_type, ''),
          coalesce(e.record_id, ''), CASE WHEN e.reason_code = 'forged' THEN '' ELSE coalesce(e.reason_code, '') END,
          coalesce(e.request_id, ''), e.data::text) $f$`);
    });
    const { rows } = await trail.db.raw('SELECT audit_event_canonical(e) AS c FROM audit_events e WHERE e.id = ?', [
      target.id,
    ]);
    expect(rows[0].c).to.not.include('forged');
    const report = await verifyAuditChain(trail.deps);
    expect(report.firstBroken).to.include({
      seq: Number(link.seq),
      reason: 'event content changed (or link not computed with the audit key)',
    });
  });

  it('when a superuser recomputes the keyed links with a wrong key, then the first recomputed link is reported', async () => {
    await history(4);
    const keyedFrom = await switchSeq();
    const wrongKey = randomBytes(32);
    await asSuperuser(async () => {
      await editEvent('r-3');
      const { rows } = await trail.db.raw(
        'SELECT c.seq, c.prev_hash, audit_event_canonical(e) AS canonical FROM audit_chain c JOIN audit_events e ON e.id = c.event_id WHERE c.seq >= ? ORDER BY c.seq',
        [keyedFrom],
      );
      let prev: string = rows[0].prev_hash;
      for (const r of rows) {
        const hash = createHmac('sha256', wrongKey).update(`${prev}|${r.canonical}`, 'utf8').digest('hex');
        await trail.db('audit_chain').where({ seq: r.seq }).update({ prev_hash: prev, hash });
        prev = hash;
      }
    });
    const report = await verifyAuditChain(trail.deps);
    expect(report.ok).to.equal(false);
    expect(report.firstBroken).to.include({
      seq: keyedFrom,
      reason: 'event content changed (or link not computed with the audit key)',
    });
    expect((await lines()).code).to.equal(3);
  });

  it('when a superuser deletes the tail of the chain, then the truncation is reported against the last signed checkpoint, and no checkpoint is signed over it', async () => {
    const signed = await history(6);
    await asSuperuser(async () => {
      const tail = await trail
        .db('audit_chain')
        .where('seq', '>', signed.seq - 3)
        .pluck('event_id');
      await trail
        .db('audit_chain')
        .where('seq', '>', signed.seq - 3)
        .delete();
      await trail.db('audit_events').whereIn('id', tail).delete();
    });
    const report = await verifyAuditChain(trail.deps);
    expect(report.ok).to.equal(false);
    expect(report.firstBroken).to.equal(null);
    expect(report.checkpointProblem).to.match(
      new RegExp(
        `^truncated: the chain ends at link #${signed.seq - 3} but the checkpoint signed at .* covers link #${signed.seq}$`,
      ),
    );
    expect((await lines()).text).to.include('AUDIT CHAIN BROKEN: truncated');
    expect((await writeAuditCheckpoint(trail.deps, { force: true })).problem).to.match(/truncated/);

    // New events written over the gap do not hide it: the link the checkpoint signed differs.
    for (let i = 0; i < 5; i++) await recordAudit(trail.db, auditIds(), { action: 'test.after' });
    await sealAudit(trail.deps);
    const after = await verifyAuditChain(trail.deps);
    expect(after.ok).to.equal(false);
    expect(after.firstBroken?.seq).to.equal(signed.seq);
    expect(after.firstBroken?.reason).to.match(/^does not match the checkpoint signed at/);
    expect((await writeAuditCheckpoint(trail.deps, { force: true })).written).to.equal(null);
  });

  it('when the truncation also inserts a fake "epoch started" event in SQL, then it is still reported as a truncation', async () => {
    const signed = await history(5);
    await asSuperuser(async () => {
      const tail = await trail
        .db('audit_chain')
        .where('seq', '>', signed.seq - 2)
        .pluck('event_id');
      await trail
        .db('audit_chain')
        .where('seq', '>', signed.seq - 2)
        .delete();
      await trail.db('audit_events').whereIn('id', tail).delete();
    });
    await recordAudit(trail.db, auditIds(), {
      action: 'audit.epoch_started',
      reasonCode: 'restore',
      data: { epoch: 1 },
    });
    const report = await verifyAuditChain(trail.deps);
    expect(report.ok).to.equal(false);
    expect(report.epoch).to.equal(0);
  });

  it('when the checkpoint folder is lost but the DPO gives the downloaded checkpoint, then the truncation is still detected', async () => {
    const signed = await history(5);
    const downloaded = fs.readFileSync(
      path.join(trail.dir, readSignedFiles(trail.dir, auditKeysFromConfig(trail.deps.config)).files.at(-1)!.name),
      'utf8',
    );
    const kept = path.join(os.tmpdir(), `dpo-${randomBytes(4).toString('hex')}.json`);
    fs.writeFileSync(kept, downloaded);
    fs.rmSync(trail.dir, { recursive: true, force: true });
    await asSuperuser(async () => {
      const tail = await trail
        .db('audit_chain')
        .where('seq', '>', signed.seq - 2)
        .pluck('event_id');
      await trail
        .db('audit_chain')
        .where('seq', '>', signed.seq - 2)
        .delete();
      await trail.db('audit_events').whereIn('id', tail).delete();
    });
    expect((await verifyAuditChain(trail.deps)).ok, 'without any checkpoint the tail cannot be checked').to.equal(true);
    const { code, text } = await lines(['--checkpoint', kept]);
    expect(code).to.equal(3);
    expect(text).to.include('truncated');
    fs.rmSync(kept);
  });

  it('when the periodic job runs, then it signs at most one checkpoint per interval, and logs an error instead of signing over a truncated chain', async () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (l: string) => lines.push(l) });
    let now = new Date('2026-12-07T10:00:00Z');
    const job = { ...trail.deps, now: () => now, log };
    await recordAudit(trail.db, auditIds(), { action: 'test.job' });
    await sealAndCheckpoint(job);
    const first = readSignedFiles(trail.dir, auditKeysFromConfig(trail.deps.config)).files;
    expect(first).to.have.length(1);
    await recordAudit(trail.db, auditIds(), { action: 'test.job' });
    now = new Date(now.getTime() + 30_000);
    await sealAndCheckpoint(job);
    expect(
      readSignedFiles(trail.dir, auditKeysFromConfig(trail.deps.config)).files,
      'too soon: no new checkpoint',
    ).to.have.length(1);
    now = new Date(now.getTime() + 31_000);
    await sealAndCheckpoint(job);
    const files = readSignedFiles(trail.dir, auditKeysFromConfig(trail.deps.config)).files;
    expect(files).to.have.length(2);
    const head = files.at(-1)!.payload.seq;
    await asSuperuser(async () => {
      const tail = await trail.db('audit_chain').where('seq', '>=', head).pluck('event_id');
      await trail.db('audit_chain').where('seq', '>=', head).delete();
      await trail.db('audit_events').whereIn('id', tail).delete();
    });
    await recordAudit(trail.db, auditIds(), { action: 'test.job' });
    now = new Date(now.getTime() + 61_000);
    await sealAndCheckpoint(job);
    expect(readSignedFiles(trail.dir, auditKeysFromConfig(trail.deps.config)).files).to.have.length(2);
    expect(lines.join('')).to.include('audit chain not checkpointed');
    expect(lines.join('')).to.include(`link #${head} does not match the last signed statement`);
  });

  it('when a checkpoint file is forged with another key, then the verifier names it', async () => {
    const signed = await history(3);
    const other = createAuditKeys(randomBytes(32).toString('base64'), randomBytes(32).toString('base64'));
    const forged = { ...signed, seq: signed.seq + 1 };
    fs.writeFileSync(
      path.join(trail.dir, `checkpoint-e0000-s${String(forged.seq).padStart(12, '0')}.json`),
      signPayload(other, forged),
    );
    const report = await verifyAuditChain(trail.deps);
    expect(report.ok).to.equal(false);
    expect(report.checkpointProblem).to.include(`checkpoint-e0000-s${String(forged.seq).padStart(12, '0')}.json`);
  });

  it('when a restore from backup is recorded as an epoch, then the shorter chain is accepted as a new epoch, not reported as a truncation', async () => {
    const before = await history(6);
    // The restore: the database goes back to a backup taken three links earlier.
    await asSuperuser(async () => {
      const tail = await trail
        .db('audit_chain')
        .where('seq', '>', before.seq - 3)
        .pluck('event_id');
      await trail
        .db('audit_chain')
        .where('seq', '>', before.seq - 3)
        .delete();
      await trail.db('audit_events').whereIn('id', tail).delete();
    });
    expect((await verifyAuditChain(trail.deps)).checkpointProblem).to.match(/^truncated/);

    const epoch = await startAuditEpoch(trail.deps, operator('cli'), { reason: 'restore' });
    expect(epoch).to.include({ epoch: 1, reason: 'restore', seq: before.seq - 2 });
    expect(epoch.previous).to.deep.equal({ epoch: 0, seq: before.seq, hash: before.hash });
    const report = await verifyAuditChain(trail.deps);
    expect(report).to.include({ ok: true, epoch: 1, checkpointProblem: null, firstBroken: null });
    const recorded = await trail.db('audit_events').where({ action: 'audit.epoch_started' }).first();
    expect(recorded.data).to.deep.include({ epoch: 1, restoredHeadSeq: before.seq - 3, previousSignedSeq: before.seq });

    // Life goes on in the new epoch, and a truncation inside it is detected again.
    const later = await history(3);
    expect(later.epoch).to.equal(1);
    expect((await lines()).text).to.include('Audit chain intact');
    await asSuperuser(async () => {
      const tail = await trail
        .db('audit_chain')
        .where('seq', '>', later.seq - 1)
        .pluck('event_id');
      await trail
        .db('audit_chain')
        .where('seq', '>', later.seq - 1)
        .delete();
      await trail.db('audit_events').whereIn('id', tail).delete();
    });
    expect((await verifyAuditChain(trail.deps)).checkpointProblem).to.match(/^truncated/);
  });

  it('when a restored chain has an edited event, then no epoch is started over it', async () => {
    await history(4);
    await asSuperuser(() => editEvent('r-1'));
    let error: unknown = null;
    await startAuditEpoch(trail.deps, operator(null), { reason: 'restore' }).catch((e) => (error = e));
    expect(String(error)).to.match(/rompue au maillon/);
    expect(fs.readdirSync(trail.dir).filter((f) => f.startsWith('epoch-'))).to.deep.equal([]);
  });

  it('when events are sealed, then links before the switch stay plain SHA-256 and the checkpoint names the switch', async () => {
    const signed = await history(2);
    const keyedFrom = await switchSeq();
    expect(signed.keyedFromSeq).to.equal(keyedFrom);
    expect(signed).to.include({ type: 'checkpoint', epoch: 0, count: signed.seq });
    const sw = await trail.db('audit_events').where({ action: SWITCH_ACTION }).first();
    expect(sw.data).to.deep.equal({
      algorithm: 'hmac-sha256',
      keyId: auditKeysFromConfig(trail.deps.config).hmacKeyId,
    });
    // Only one switch, however often sealing runs.
    await sealAudit(trail.deps);
    await sealAudit(trail.deps);
    const [{ n }] = await trail.db('audit_events').where({ action: SWITCH_ACTION }).count({ n: '*' });
    expect(Number(n)).to.equal(1);
    // The links before it are the legacy ones, still plain SHA-256 and still verifiable as they are.
    const legacy = await walkChain(trail.db, {
      start: { seq: 0, hash: GENESIS },
      hmacKey: Buffer.alloc(32),
      switchSeq: null,
    });
    expect(legacy.broken?.seq).to.equal(keyedFrom);
    expect(keyedFrom).to.equal(3);
    expect((await verifyAuditChain(trail.deps)).ok).to.equal(true);
  });
});

describe('audit keys and published checkpoint', function () {
  this.timeout(60_000);

  it('when no audit key is configured on an embedded install, then key files are created beside the data folder (0600) and reused', () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-keys-')), 'data');
    const config = loadConfig({ DATA_DIR: dataDir, ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') });
    const keys = auditKeysFromConfig(config);
    for (const f of [`${dataDir}.audit-hmac.key`, `${dataDir}.audit-signing.key`])
      expect(fs.statSync(f).mode & 0o777).to.equal(0o600);
    const again = auditKeysFromConfig(
      loadConfig({ DATA_DIR: dataDir, ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') }),
    );
    expect(again.publicKeyPem).to.equal(keys.publicKeyPem);
    expect(again.hmacKey.equals(keys.hmacKey)).to.equal(true);
    expect(config.auditCheckpointDir).to.equal(path.join(dataDir, 'audit-checkpoints'));
  });

  it('when DATABASE_URL is set without the audit keys, then the missing variable is named', () => {
    const base = { DATABASE_URL: 'postgres://x@localhost/db', ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(() => loadConfig(base)).to.throw(ConfigError, /AUDIT_HMAC_KEY/);
    expect(() => loadConfig({ ...base, AUDIT_HMAC_KEY: Buffer.alloc(32, 2).toString('base64') })).to.throw(
      ConfigError,
      /AUDIT_SIGNING_KEY/,
    );
    expect(() => loadConfig({ ...base, AUDIT_HMAC_KEY: 'short', AUDIT_SIGNING_KEY: 'short' })).to.throw(
      ConfigError,
      /AUDIT_HMAC_KEY/,
    );
  });

  it('when the DPO downloads the checkpoint, then the file verifies with the public key published on the register page, and the download is audited', async () => {
    const dpo = await signedIn('dpo');
    const register = await dpo.get('/privacy/register');
    expect(register.status).to.equal(200);
    const pem = /<pre class="mono" id="audit-public-key">([^<]+)<\/pre>/
      .exec(register.text)![1]
      .replace(/&#x2F;|&#47;/g, '/')
      .replace(/&#x2B;|&#43;/g, '+')
      .replace(/&#x3D;|&#61;/g, '=');
    expect(register.text).to.include('/api/audit/checkpoint');
    const r = await dpo.get('/api/audit/checkpoint');
    expect(r.status).to.equal(200);
    expect(r.headers.get('content-disposition')).to.match(
      /^attachment; filename="point-de-controle-audit-0-\d+\.json"$/,
    );
    const doc = JSON.parse(r.text);
    expect(doc.payload).to.include({ type: 'checkpoint', epoch: 0 });
    const ok = verifySignature(
      null,
      Buffer.from(canonicalJson(doc.payload)),
      createPublicKey(pem),
      Buffer.from(doc.signature, 'base64'),
    );
    expect(ok).to.equal(true);
    const event = await ctx()
      .deps.db('audit_events')
      .where({ action: 'audit.checkpoint_downloaded', actor_user_id: dpo.user.id })
      .first();
    expect(event.data).to.deep.equal({ epoch: 0, seq: doc.payload.seq });
    const audit = await dpo.get('/admin/audit');
    expect(audit.text).to.include(auditKeysFromConfig(ctx().deps.config).publicKeyFingerprint);
    expect(audit.text).to.include(`maillon n° ${doc.payload.seq}, le`);
  });

  it('when events hold nulls, Unicode and JSON, then the service renders them exactly as the SQL function that sealed the older links', async () => {
    const db = ctx().deps.db;
    await recordAudit(db, auditIds(), { action: 'test.canonical' });
    await recordAudit(db, auditIds({ userId: randomUUID(), tokenId: randomUUID(), requestId: 'req-1' }), {
      action: 'test.canonical',
      recordType: 'claim',
      recordId: 'Łukasz|Nguyễn',
      reasonCode: 'code',
      data: { n: 1.5, s: 'é"\\\n', a: [null, true], nested: { z: 1, a: 2 } },
    });
    const { rows } = await db.raw(`SELECT audit_event_canonical(e) AS sql, ${EVENT_COLUMNS} FROM audit_events e`);
    expect(rows.length).to.be.greaterThan(2);
    for (const r of rows) expect(canonicalOf(r)).to.equal(r.sql);
  });

  it('structural: when the code and the database are scanned, then only server/audit/seal.ts writes chain links and no database function computes them', async () => {
    const writers: string[] = [];
    const trustsDbRendering: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (/\.ts$/.test(entry.name)) {
          const text = fs.readFileSync(p, 'utf8');
          if (/(['"`])audit_chain\1\)\s*\.insert|insert\s+into\s+audit_chain/i.test(text))
            writers.push(path.relative('.', p));
          if (/audit_event_canonical\s*\(/.test(text)) trustsDbRendering.push(path.relative('.', p));
        }
      }
    };
    walk('server');
    expect(writers).to.deep.equal(['server/audit/seal.ts']);
    // Links are computed and checked from the stored columns, never from a function a superuser can redefine.
    expect(trustsDbRendering).to.deep.equal([]);
    const { rows } = await ctx().deps.db.raw(
      `SELECT proname FROM pg_proc WHERE prosrc ILIKE '%audit_chain%' AND prosrc ~* '(insert|update)'`,
    );
    expect(rows).to.deep.equal([]);
  });
});
