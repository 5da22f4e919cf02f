// Fault-injection harness: a scratch database on the PostgreSQL server, two service instances
// (child processes of server/main.ts on two ports, same DATABASE_URL), a real SMTP server,
// concurrent API clients doing the real mix while the instances are SIGKILLed at random and
// restarted; then issue 6's two crash scenarios; then the invariant checker over everything.
// Used by `npm run fault` (scripts/fault/run.ts) and by test/fault/fault.test.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.js';
import { SMTPServer } from 'smtp-server';
import { createScratchDatabase, migrateLatest } from '../../server/shared/db.js';
import {
  checkInvariants,
  formatInvariants,
  violationCount,
  type Delivery,
  type InvariantResult,
} from './invariants.js';
import { freePort, ServiceInstance, snapshotService } from './services.js';
import { newStats } from './http.js';
import {
  bump,
  createTeam,
  createVenues,
  cycle,
  fundTeam,
  seeded,
  userWithToken,
  type Tally,
  type World,
} from './workload.js';
import { crashWhileBuilding, raceForTheSameClaims, type CrashReport, type RaceReport } from './scenarios.js';
import { frenchIban } from '../../server/demo/consents.js';

export interface FaultOptions {
  /** A PostgreSQL server (a fresh database is created on it and dropped at the end). */
  serverUrl: string;
  /** The real mix: how long, how many concurrent clients, how many SIGKILLs spread over it. */
  mixSeconds: number;
  clients: number;
  mixKills: number;
  teams?: number;
  venues?: number;
  /** Issue 6: a batch of `crashClaims` claims built while the building instance is killed `crashKills` times (0: skipped). */
  crashClaims: number;
  crashKills: number;
  /** Issue 6: `raceClients` concurrent clients batching the same `raceClaims` claims on two instances (0: skipped). */
  raceClients: number;
  raceClaims: number;
  seed?: number;
  log?: (line: string) => void;
  /** Where the instances' logs go. */
  logDir?: string;
}

export interface FaultReport {
  seconds: number;
  kills: number;
  restartMs: number[];
  requests: number;
  connectionErrors: number;
  byStatus: Record<string, number>;
  serverErrors: string[];
  overloaded: number;
  outcomes: Record<string, number>;
  unexpected: Record<string, number>;
  emails: { outbox: number; received: number; repeats: number; drainSeconds: number };
  crash: CrashReport | null;
  race: RaceReport | null;
  invariants: InvariantResult[];
  violations: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A real SMTP server that records each message's Message-ID and arrival time. */
async function startSmtp(deliveries: Delivery[]) {
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 64_000) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const m = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(head.split(/\r?\n\r?\n/)[0]);
        deliveries.push({ messageId: m ? m[1] : `(none ${randomUUID()})`, at: Date.now() });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // An instance SIGKILLed with its pooled SMTP connection open resets it: the server reports
  // ECONNRESET, which must not end the harness (the outbox check counts what arrived).
  server.on('error', () => undefined);
  const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export async function runFaultInjection(options: FaultOptions): Promise<FaultReport> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = Date.now();
  const random = seeded(options.seed ?? 42);
  const scratch = await createScratchDatabase(options.serverUrl, 'pbo_fault', 4);
  const deliveries: Delivery[] = [];
  const killTimes: number[] = [];
  const stats = newStats();
  const instances: ServiceInstance[] = [];
  let smtp: Awaited<ReturnType<typeof startSmtp>> | null = null;
  let snapshot: ReturnType<typeof snapshotService> | null = null;
  try {
    await migrateLatest(scratch.database.knex);
    smtp = await startSmtp(deliveries);
    const env = {
      DATABASE_URL: scratch.url,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      AUDIT_HMAC_KEY: randomBytes(32).toString('base64'),
      AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
      AUDIT_CHECKPOINT_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'fault-audit-checkpoints-')),
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'never',
      ADMIN_EMAIL: 'admin@fault.example',
      ADMIN_PASSWORD: randomBytes(12).toString('hex'),
      MAIL_FROM: 'Participation <no-reply@fault.example>',
    };
    const logDir = options.logDir ?? path.resolve('test-results/fault', new URL(scratch.url).pathname.slice(1));
    // The code the instances run: a snapshot taken now (a first start that fails on an edit in
    // progress elsewhere in the tree is retried on a fresh snapshot).
    for (let attempt = 1; ; attempt++) {
      snapshot = snapshotService();
      const ports = instances.length ? instances.map((i) => i.options.port) : [await freePort(), await freePort()];
      instances.splice(
        0,
        instances.length,
        ...['a', 'b'].map(
          (name, k) =>
            new ServiceInstance({
              name: `instance ${name}`,
              port: ports[k],
              cwd: snapshot!.dir,
              env,
              logFile: path.join(logDir, `instance-${name}.log`),
            }),
        ),
      );
      try {
        // One after the other: the first applies nothing (migrated above) but creates the settings and the admin.
        for (const i of instances) await i.start();
        break;
      } catch (e) {
        for (const i of instances) await i.kill();
        snapshot.remove();
        if (attempt >= 4) throw e;
        log(`  ${(e as Error).message}: retrying on a fresh snapshot in 20 s`);
        await sleep(20_000);
      }
    }
    log(
      `  two instances up: ${instances.map((i) => `${i.url} (${i.startTimes[0]} ms)`).join(', ')}; database ${new URL(scratch.url).pathname.slice(1)}`,
    );

    const db = scratch.database.knex;
    const admin = await userWithToken({ db, instances, stats, random }, ['admin'], 'admin');
    const sepa = await admin.client.send('PATCH', '/api/settings', {
      payerMode: 'sepa_transfer',
      debtor: {
        name: 'Département de la Drôme',
        iban: frenchIban('30001', '00064', '00000012345'),
        bic: 'BDFEFRPPCCT',
      },
    });
    log(
      `  settings: ${sepa.status === 200 ? 'SEPA transfers (pain.001)' : `accounting export (SEPA refused: ${sepa.status})`}`,
    );
    const openapi = await admin.client.get('/api/openapi.json');
    let deadline = Number.POSITIVE_INFINITY;
    // The mix goes on past its time until its planned kills are done (a restart can take 20 s
    // on a loaded machine), but never past 4 times its time.
    let hardDeadline = Number.POSITIVE_INFINITY;
    let killsDone = false;
    let stop = false;
    const mixing = () => !stop && (Date.now() < deadline || (!killsDone && Date.now() < hardDeadline));
    const w: World = {
      db,
      instances,
      stats,
      venues: await createVenues(db, options.venues ?? 6),
      admin: admin.client,
      random,
      expensesApi: !!openapi.body?.paths?.['/api/expenses']?.post,
      stopping: () => !mixing(),
    };
    log(`  expenses API: ${w.expensesApi ? 'present (invoices in the mix)' : 'absent (no invoices in the mix)'}`);

    // --- The real mix, with random kills ---
    const tally: Tally = new Map();
    const teams = await Promise.all(
      Array.from({ length: options.teams ?? Math.max(1, Math.ceil(options.clients / 4)) }, (_, i) =>
        createTeam(w, i + 1),
      ),
    );
    for (const team of teams) await fundTeam(w, team, tally);
    deadline = Date.now() + options.mixSeconds * 1000;
    hardDeadline = Date.now() + options.mixSeconds * 4000;
    const onKill = (at: number) => killTimes.push(at);
    const clients = Array.from({ length: options.clients }, async (_, i) => {
      await sleep(Math.floor(random() * 1000));
      while (mixing()) {
        try {
          await cycle(w, teams[i % teams.length], tally);
        } catch (e) {
          bump(tally, `unexpected: client error ${(e as Error).message.slice(0, 80)}`);
        }
      }
    });
    const killer = (async () => {
      const every = (options.mixSeconds * 1000) / (options.mixKills + 1);
      for (let k = 0; k < options.mixKills; k++) {
        await sleep(every * (0.6 + 0.8 * random()));
        while (instances.some((i) => !i.up)) await sleep(100);
        if (stop || Date.now() > hardDeadline) break;
        const victim = instances[Math.floor(random() * instances.length)];
        onKill(Date.now());
        await victim.kill();
        log(`  kill ${k + 1}/${options.mixKills}: ${victim.options.name} (SIGKILL), restarting`);
        await victim.start();
      }
    })()
      .catch((e) => {
        stop = true;
        throw e;
      })
      .finally(() => {
        killsDone = true;
      });
    killer.catch(() => undefined); // awaited below; stops the clients at once if a restart fails
    const progress = setInterval(
      () =>
        log(
          `  … ${Math.round((deadline - Date.now()) / 1000)} s left, ${stats.requests} requests, ${killTimes.length} kills`,
        ),
      30_000,
    );
    await Promise.all(clients);
    stop = true;
    clearInterval(progress);
    await killer;
    // The scenarios below run their own steps to the end.
    stop = false;
    deadline = Number.POSITIVE_INFINITY;
    log(`  mix done: ${stats.requests} requests, ${killTimes.length} kills`);

    let crash: CrashReport | null = null;
    if (options.crashKills > 0 && options.crashClaims > 0) {
      crash = await crashWhileBuilding(w, { claims: options.crashClaims, kills: options.crashKills, log, onKill });
      log(
        `  crash scenario: ${crash.rounds.length} kills while building a batch of ${crash.claims} claims (build ${crash.buildMs} ms), ${crash.violations.length} violations`,
      );
    }
    let race: RaceReport | null = null;
    if (options.raceClients > 0 && options.raceClaims > 0) {
      race = await raceForTheSameClaims(w, { claims: options.raceClaims, clients: options.raceClients });
      log(
        `  race: ${race.attempts} clients on 2 instances batching the same ${race.claims} claims → ${JSON.stringify(race.outcomes)}, ${race.batches} batch(es)`,
      );
    }

    // --- Drain the outbox: messages a killed instance left `sending` wait for their lease
    // (120 s); fast-forward the leases taken more than 10 s ago (a live instance finishes a
    // send in milliseconds), then let the instances deliver. On a slow machine the backlog may
    // take minutes: wait as long as it shrinks, and give up after 60 s without progress. ---
    let left = Number.POSITIVE_INFINITY;
    let progressAt = Date.now();
    const drainStarted = Date.now();
    for (;;) {
      await db('outbox_messages')
        .where({ status: 'sending' })
        .where('lease_until', '<', db.raw(`now() + interval '110 seconds'`))
        .update({ lease_until: db.raw('now()') });
      await db('outbox_messages')
        .where({ status: 'pending' })
        .where('next_attempt_at', '>', db.raw('now()'))
        .update({ next_attempt_at: db.raw('now()') });
      const [{ n }] = await db('outbox_messages')
        .where({ channel: 'email' })
        .whereIn('status', ['pending', 'sending'])
        .count({ n: '*' });
      if (left === Number.POSITIVE_INFINITY) log(`  outbox: ${n} e-mail(s) waiting after the scenarios`);
      if (Number(n) < left) {
        left = Number(n);
        progressAt = Date.now();
      }
      if (left === 0 || Date.now() - progressAt > 60_000) break;
      await sleep(1000);
    }
    const drainSeconds = Math.round((Date.now() - drainStarted) / 1000);
    log(`  outbox drained in ${drainSeconds} s, ${left} e-mail(s) left`);
    for (const i of instances) await i.stop();
    await sleep(200);

    const invariants = await checkInvariants(db, { deliveries, killTimes, seal: true, audit: loadConfig(env) });
    const [{ n: outboxCount }] = await db('outbox_messages').where({ channel: 'email' }).count({ n: '*' });
    const perId = new Map<string, number>();
    for (const d of deliveries) perId.set(d.messageId, (perId.get(d.messageId) ?? 0) + 1);
    const outcomes = Object.fromEntries([...tally].filter(([k]) => !k.startsWith('unexpected')).sort());
    const unexpected = Object.fromEntries([...tally].filter(([k]) => k.startsWith('unexpected')).sort());
    return {
      seconds: Math.round((Date.now() - started) / 1000),
      kills: killTimes.length,
      restartMs: instances.flatMap((i) => i.startTimes.slice(1)),
      requests: stats.requests,
      connectionErrors: stats.connectionErrors,
      byStatus: Object.fromEntries([...stats.byStatus].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
      serverErrors: stats.serverErrors,
      overloaded: stats.overloaded,
      outcomes,
      unexpected,
      emails: {
        outbox: Number(outboxCount),
        received: deliveries.length,
        repeats: [...perId.values()].filter((n) => n > 1).length,
        drainSeconds,
      },
      crash,
      race,
      invariants,
      violations: violationCount(invariants) + (crash?.violations.length ?? 0) + (race?.violations.length ?? 0),
    };
  } finally {
    for (const i of instances) {
      await i.kill().catch(() => undefined);
      i.close();
    }
    await smtp?.close().catch(() => undefined);
    snapshot?.remove();
    await scratch.drop().catch(() => undefined);
  }
}

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : 0);

/** The printout of a run (figures and invariants; no personal data). */
export function formatReport(r: FaultReport): string {
  const lines = [
    `fault injection — ${r.seconds} s, ${r.kills} SIGKILLs (restart to /health: median ${median(r.restartMs)} ms, max ${Math.max(0, ...r.restartMs)} ms)`,
    `  requests: ${r.requests.toLocaleString('en-US')}, connection errors retried: ${r.connectionErrors}, by status: ${JSON.stringify(r.byStatus)}`,
    `  503 overloaded (database pool busy, retried after Retry-After): ${r.overloaded}`,
    `  other 5xx responses: ${r.serverErrors.length}${r.serverErrors.length ? ` (${[...new Set(r.serverErrors)].slice(0, 5).join('; ')})` : ''}`,
    `  e-mails: ${r.emails.outbox} in the outbox, ${r.emails.received} received by SMTP, ${r.emails.repeats} delivered more than once; the backlog drained in ${r.emails.drainSeconds} s after the last kill`,
    '  outcomes:',
    ...Object.entries(r.outcomes).map(([k, v]) => `    ${String(v).padStart(6)}  ${k}`),
  ];
  if (Object.keys(r.unexpected).length)
    lines.push(
      '  unexpected outcomes:',
      ...Object.entries(r.unexpected).map(([k, v]) => `    ${String(v).padStart(6)}  ${k}`),
    );
  if (r.crash) {
    lines.push(
      `  issue 6 crash: a batch of ${r.crash.claims} claims (one build: ${r.crash.buildMs} ms), the building instance SIGKILLed ${r.crash.rounds.length} times:`,
    );
    for (const [i, round] of r.crash.rounds.entries())
      lines.push(
        `    round ${String(i + 1).padStart(2)}: kill after ${String(round.delayMs).padStart(5)} ms (${round.killed}), retry with the same key ${round.retry}: ${round.claimsInBatch} claims, ${round.violations} violations`,
      );
    lines.push(
      `    final batch: ${r.crash.finalBatchClaims} claims; ${r.crash.violations.length} violations${r.crash.violations.length ? `: ${r.crash.violations.slice(0, 5).join('; ')}` : ''}`,
    );
  }
  if (r.race)
    lines.push(
      `  issue 6 race: ${r.race.attempts} concurrent clients on two instances batching the same ${r.race.claims} claims → ${JSON.stringify(r.race.outcomes)}; ${r.race.batches} batch(es) hold them; ${r.race.violations.length} violations${r.race.violations.length ? `: ${r.race.violations.join('; ')}` : ''}`,
    );
  lines.push(formatInvariants(r.invariants));
  lines.push(`${r.violations === 0 ? 'OK' : 'FAILED'}: ${r.violations} violation(s)`);
  return lines.join('\n');
}
