// Issue 6's two crash acceptances, through the HTTP API of real service processes:
// - crash while building: a batch of N approved claims is being built by one instance when it
//   is SIGKILLed at a random point (before, during or after the commit), K times, restarted
//   each time; the client retries with the same Idempotency-Key → no claim in two live
//   batches, no half-built batch, totals right, and the retry gets the whole batch;
// - race: two instances, 64 concurrent clients batching the same claims → each claim in
//   exactly one batch.
import { randomUUID } from 'node:crypto';
import { checkInvariants, type InvariantResult } from './invariants.js';
import { approvedClaim, bump, createTeam, heldSession, registerPerson, type Tally, type World } from './workload.js';
import type { ServiceInstance } from './services.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `work` over items with at most `n` at a time. */
async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/**
 * A team with `claims` approved claims. Up to `viaApi` of them go through the API as staff
 * and lead would enter and decide them (one per participant, on held sessions); the rest are
 * copies of those made in SQL (building a batch reads only the claim rows), which keeps the
 * set-up of a 1,000-claim batch short.
 */
async function approvedClaims(w: World, index: number, claims: number, tally: Tally, viaApi = 60) {
  const team = await createTeam(w, index);
  const people = Math.max(1, Math.min(20, Math.ceil(Math.min(claims, viaApi) / 3)));
  await pool(
    Array.from({ length: people }, (_, i) => i),
    8,
    async () => void (await registerPerson(team, w.random, tally)),
  );
  const perPerson = Math.ceil(Math.min(claims, viaApi) / people);
  const sessions: string[] = [];
  for (let i = 0; i < perPerson; i++) {
    const s = await heldSession(w, team, team.people, tally);
    if (!s) throw new Error('could not prepare a held session');
    sessions.push(s);
  }
  const slots = Array.from({ length: Math.min(claims, viaApi) }, (_, i) => ({
    session: sessions[Math.floor(i / people)],
    person: team.people[i % people],
  }));
  const ids: string[] = [];
  await pool(slots, 12, async (slot) => {
    const id = await approvedClaim(team, slot.session, slot.person, w.random, tally);
    if (id) ids.push(id);
  });
  if (!ids.length) throw new Error(`no approved claim could be prepared: ${JSON.stringify(Object.fromEntries(tally))}`);
  if (claims > ids.length) {
    const { rows } = await w.db.raw(
      `WITH src AS (SELECT c.*, cs.session_id, row_number() OVER (ORDER BY c.id) AS k FROM claims c JOIN claim_sessions cs ON cs.claim_id = c.id WHERE c.id = ANY(?::uuid[])),
            copies AS (SELECT src.*, g FROM src, generate_series(1, ?) AS g ORDER BY g, k LIMIT ?),
            ins AS (
              INSERT INTO claims (participant_id, payee_id, project_id, status, departure_at, return_at, submitted_at, decided_at, decided_by, entered_by,
                                  amount_requested_cents, amount_eligible_cents, amount_granted_cents, amount_to_pay_cents)
              SELECT participant_id, payee_id, project_id, status, departure_at, return_at, submitted_at, decided_at, decided_by, entered_by,
                     amount_requested_cents, amount_eligible_cents, amount_granted_cents, amount_to_pay_cents FROM copies
              RETURNING id, participant_id)
       SELECT id FROM ins`,
      [ids, Math.ceil(claims / ids.length), claims - ids.length],
    );
    ids.push(...rows.map((r: { id: string }) => r.id));
    await w.db.raw(
      `INSERT INTO claim_sessions (claim_id, session_id) SELECT id, ? FROM unnest(?::uuid[]) AS id ON CONFLICT DO NOTHING`,
      [sessions[0], rows.map((r: { id: string }) => r.id)],
    );
  }
  return { team, ids };
}

const batchChecks = (results: InvariantResult[]) => results.filter((r) => /batch|paid|claim/.test(r.name));

export interface CrashReport {
  claims: number;
  rounds: {
    delayMs: number;
    killed: 'before reply' | 'after reply';
    retry: 'replayed' | 'built again';
    claimsInBatch: number;
    violations: number;
  }[];
  buildMs: number;
  finalBatchClaims: number;
  violations: string[];
}

/** Issue 6: build a batch of `claims` claims while SIGKILLing the building instance `kills` times. */
export async function crashWhileBuilding(
  w: World,
  opts: { claims: number; kills: number; log: (s: string) => void; onKill: (at: number) => void },
): Promise<CrashReport> {
  const tally: Tally = new Map();
  const { team, ids } = await approvedClaims(w, 900, opts.claims, tally);
  opts.log(
    `  crash scenario: ${ids.length} approved claims ready (${[...tally].filter(([k]) => k.startsWith('unexpected')).length} unexpected outcomes)`,
  );
  const report: CrashReport = { claims: ids.length, rounds: [], buildMs: 0, finalBatchClaims: 0, violations: [] };
  const claimCount = (body: { payments?: { claims: unknown[] }[] }) =>
    (body.payments ?? []).reduce((n, p) => n + p.claims.length, 0);
  const cancel = async (batchId: string) => {
    const c = await team.finance.post(`/api/payment-batches/${batchId}/cancel`, {});
    if (c.status !== 200) report.violations.push(`cancel ${batchId} → ${c.status}`);
  };
  // How long one build takes here, to spread the kills over it.
  const t0 = Date.now();
  const first = await team.finance.post('/api/payment-batches', { projectId: team.projectId }, randomUUID());
  report.buildMs = Date.now() - t0;
  if (first.status !== 201 || claimCount(first.body) !== ids.length)
    report.violations.push(
      `first build → ${first.status}, ${first.status === 201 ? claimCount(first.body) : 0} claims`,
    );
  if (first.status === 201) await cancel(first.body.id);

  for (let round = 0; round < opts.kills; round++) {
    const live = w.instances.filter((i) => i.up);
    const victim: ServiceInstance = live[Math.floor(w.random() * live.length)];
    const key = randomUUID();
    const body = { projectId: team.projectId };
    let replied = false;
    const attempt = fetch(`${victim.url}/api/payment-batches`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${team.finance.token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
    }).then(
      async (r) => {
        await r.arrayBuffer();
        replied = true;
      },
      () => undefined,
    );
    const delayMs = Math.floor(w.random() * report.buildMs * 1.5);
    await sleep(delayMs);
    opts.onKill(Date.now());
    await victim.kill();
    await attempt;
    await victim.start();
    const afterKill = batchChecks(await checkInvariants(w.db, { outboxDelivered: false }));
    // The client did not see (or saw) an answer: it sends the same request again with the same key.
    const retry = await team.finance.post('/api/payment-batches', body, key);
    const inBatch = retry.status === 201 ? claimCount(retry.body) : 0;
    if (retry.status !== 201 || inBatch !== ids.length)
      report.violations.push(`round ${round + 1}: retry → ${retry.status}, ${inBatch} of ${ids.length} claims`);
    const afterRetry = batchChecks(await checkInvariants(w.db, { outboxDelivered: false }));
    const violations = [...afterKill, ...afterRetry].reduce((n, r) => n + r.violations.length, 0);
    for (const r of [...afterKill, ...afterRetry])
      for (const v of r.violations) report.violations.push(`round ${round + 1}: ${r.name}: ${v.id} ${v.detail}`);
    report.rounds.push({
      delayMs,
      killed: replied ? 'after reply' : 'before reply',
      retry: retry.replayed ? 'replayed' : 'built again',
      claimsInBatch: inBatch,
      violations,
    });
    if (retry.status === 201) await cancel(retry.body.id);
  }
  // Whatever happened, the claims are batched once more, exported and paid, each exactly once.
  const last = await team.finance.post('/api/payment-batches', { projectId: team.projectId }, randomUUID());
  report.finalBatchClaims = last.status === 201 ? claimCount(last.body) : 0;
  if (report.finalBatchClaims !== ids.length)
    report.violations.push(`final batch → ${last.status}, ${report.finalBatchClaims} of ${ids.length} claims`);
  if (last.status === 201) {
    const e = await team.finance.post(`/api/payment-batches/${last.body.id}/export`, {}, randomUUID());
    const m =
      e.status === 200
        ? await team.finance.post(`/api/payment-batches/${last.body.id}/mark-paid`, {}, randomUUID())
        : e;
    if (m.status !== 200) report.violations.push(`final export/mark-paid → ${m.status}`);
  }
  return report;
}

export interface RaceReport {
  claims: number;
  attempts: number;
  outcomes: Record<string, number>;
  batches: number;
  violations: string[];
}

/** Issue 6: 64 concurrent clients on two instances batch the same claims. */
export async function raceForTheSameClaims(w: World, opts: { claims: number; clients: number }): Promise<RaceReport> {
  const tally: Tally = new Map();
  const { team, ids } = await approvedClaims(w, 901, opts.claims, tally);
  // Several finance officers (none decided these claims), each with their own token.
  const officers = [team.finance, (await createTeam(w, 902)).finance, (await createTeam(w, 903)).finance];
  const outcomes: Tally = new Map();
  await Promise.all(
    Array.from({ length: opts.clients }, async (_, i) => {
      const client = officers[i % officers.length];
      // Requests alternate between the two instances (the client picks at random among live ones).
      const body = i % 4 === 0 ? { projectId: team.projectId } : { claimIds: i % 3 === 0 ? [...ids].reverse() : ids };
      const r = await client.post('/api/payment-batches', body, randomUUID());
      bump(
        outcomes,
        r.status === 201 ? 'built' : `${r.status} ${(r.body as { error?: { code?: string } })?.error?.code ?? ''}`,
      );
    }),
  );
  const violations: string[] = [];
  const rows = await w
    .db('batch_claims')
    .whereIn('claim_id', ids)
    .where({ voided: false })
    .select('claim_id', 'batch_id');
  if (rows.length !== ids.length || new Set(rows.map((r) => r.claim_id)).size !== ids.length)
    violations.push(`${rows.length} live batch rows for ${ids.length} claims`);
  for (const k of outcomes.keys())
    if (k !== 'built' && !/^409 (claim_not_payable|no_claims_to_batch)$/.test(k))
      violations.push(`unexpected outcome ${k}`);
  return {
    claims: ids.length,
    attempts: opts.clients,
    outcomes: Object.fromEntries(outcomes),
    batches: new Set(rows.map((r) => r.batch_id)).size,
    violations,
  };
}
