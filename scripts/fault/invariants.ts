// The invariant checker: SQL over the whole database, reusable after a fault-injection run,
// after the data generator, or on any copy of production. Each check returns its violations
// (ids and codes only, never names or IBANs) and the checker prints one line per check.
// Standalone: `tsx scripts/fault/check.ts --database-url postgres://…/db` (exit code 1 on any
// violation).
import type { Db } from '../../server/shared/db.js';
import { sealAudit, verifyAuditChain } from '../../server/audit/index.js';
import { expenseRollupDrift } from '../../server/grants/index.js';
import type { Config } from '../../server/config.js';

export interface Violation {
  /** A record id (or a composite key) and what is wrong with it. */
  id: string;
  detail: string;
}

export interface InvariantResult {
  name: string;
  /** How many records the check looked at (for the printout: a check over nothing proves nothing). */
  checked: number;
  violations: Violation[];
}

/** One e-mail as the SMTP server received it. */
export interface Delivery {
  messageId: string;
  at: number;
}

export interface InvariantOptions {
  /** E-mails the harness's SMTP server received; without them the outbox check only looks at statuses. */
  deliveries?: Delivery[];
  /** When the service instances were killed (ms since epoch): a repeated delivery must straddle one. */
  killTimes?: number[];
  /** Seal pending audit events before verifying the chain (what the service's job does every 5 s). */
  seal?: boolean;
  /** Whether every e-mail of the outbox must be delivered (false where no worker ran: tests, generated data). Default true. */
  outboxDelivered?: boolean;
  /** The service's configuration (audit keys, checkpoint folder); without it the audit chain is not checked. */
  audit?: Config;
}

const rowsOf = async <T>(db: Db, sql: string, bindings: unknown[] = []): Promise<T[]> =>
  (await db.raw(sql, bindings as never)).rows as T[];
const count = async (db: Db, sql: string): Promise<number> => Number((await rowsOf<{ n: string }>(db, sql))[0].n);

async function claimInTwoLiveBatches(db: Db): Promise<InvariantResult> {
  const rows = await rowsOf<{ claim_id: string; n: string }>(
    db,
    `SELECT claim_id, count(*) AS n FROM batch_claims WHERE NOT voided GROUP BY claim_id HAVING count(*) > 1`,
  );
  return {
    name: 'no claim in two non-voided batches',
    checked: await count(db, `SELECT count(DISTINCT claim_id) AS n FROM batch_claims`),
    violations: rows.map((r) => ({ id: r.claim_id, detail: `${r.n} live batch rows` })),
  };
}

async function claimPaidTwice(db: Db): Promise<InvariantResult> {
  const rows = await rowsOf<{ claim_id: string; n: string }>(
    db,
    `SELECT bc.claim_id, count(*) AS n FROM batch_claims bc JOIN payments p ON p.id = bc.payment_id
      WHERE p.status = 'paid' GROUP BY bc.claim_id HAVING count(*) > 1`,
  );
  const wrongStatus = await rowsOf<{ id: string; status: string }>(
    db,
    `SELECT c.id, c.status FROM claims c
      WHERE (c.status = 'paid') <> EXISTS (SELECT 1 FROM batch_claims bc JOIN payments p ON p.id = bc.payment_id WHERE bc.claim_id = c.id AND p.status = 'paid' AND NOT bc.voided)`,
  );
  return {
    name: 'no claim paid twice; paid ⇔ one paid payment',
    checked: await count(db, `SELECT count(*) AS n FROM claims WHERE status IN ('in_batch', 'paid')`),
    violations: [
      ...rows.map((r) => ({ id: r.claim_id, detail: `paid by ${r.n} payments` })),
      ...wrongStatus.map((r) => ({ id: r.id, detail: `status ${r.status} does not match its payments` })),
    ],
  };
}

async function claimStatusMatchesBatches(db: Db): Promise<InvariantResult> {
  const rows = await rowsOf<{ id: string; status: string }>(
    db,
    `SELECT c.id, c.status FROM claims c
      WHERE (c.status = 'in_batch') <> EXISTS (
        SELECT 1 FROM batch_claims bc JOIN payment_batches b ON b.id = bc.batch_id JOIN payments p ON p.id = bc.payment_id
         WHERE bc.claim_id = c.id AND NOT bc.voided AND b.status IN ('open', 'exported', 'paid') AND p.status = 'pending')`,
  );
  return {
    name: 'claim in_batch ⇔ in one live batch, payment pending',
    checked: await count(db, `SELECT count(*) AS n FROM claims`),
    violations: rows.map((r) => ({ id: r.id, detail: `status ${r.status}` })),
  };
}

async function batchTotals(db: Db): Promise<InvariantResult> {
  const rows = await rowsOf<{
    id: string;
    total_cents: string;
    payment_count: number;
    claims_sum: string;
    payments_sum: string;
    payments: string;
    empty_payments: string;
  }>(
    db,
    `SELECT b.id, b.total_cents, b.payment_count,
            (SELECT coalesce(sum(amount_cents), 0) FROM batch_claims WHERE batch_id = b.id) AS claims_sum,
            (SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE batch_id = b.id) AS payments_sum,
            (SELECT count(*) FROM payments WHERE batch_id = b.id) AS payments,
            (SELECT count(*) FROM payments p WHERE p.batch_id = b.id AND NOT EXISTS (SELECT 1 FROM batch_claims bc WHERE bc.payment_id = p.id)) AS empty_payments
       FROM payment_batches b`,
  );
  const violations: Violation[] = [];
  for (const r of rows) {
    if (Number(r.claims_sum) !== Number(r.total_cents))
      violations.push({ id: r.id, detail: `total ${r.total_cents} ≠ sum of its claims ${r.claims_sum}` });
    if (Number(r.payments_sum) !== Number(r.total_cents))
      violations.push({ id: r.id, detail: `total ${r.total_cents} ≠ sum of its payments ${r.payments_sum}` });
    if (Number(r.payments) !== r.payment_count)
      violations.push({ id: r.id, detail: `half built: ${r.payments} payments of ${r.payment_count}` });
    if (Number(r.empty_payments) > 0)
      violations.push({ id: r.id, detail: `half built: ${r.empty_payments} payments without claims` });
  }
  return {
    name: 'every batch total = sum of its claims = sum of its payments (none half built)',
    checked: rows.length,
    violations,
  };
}

async function paymentTotals(db: Db): Promise<InvariantResult> {
  const rows = await rowsOf<{ id: string; amount_cents: string; claims_sum: string; other_batch: string }>(
    db,
    `SELECT p.id, p.amount_cents, coalesce(sum(bc.amount_cents), 0) AS claims_sum, count(*) FILTER (WHERE bc.batch_id <> p.batch_id) AS other_batch
       FROM payments p LEFT JOIN batch_claims bc ON bc.payment_id = p.id GROUP BY p.id`,
  );
  const violations: Violation[] = [];
  for (const r of rows) {
    if (Number(r.claims_sum) !== Number(r.amount_cents))
      violations.push({ id: r.id, detail: `amount ${r.amount_cents} ≠ its batch_claims ${r.claims_sum}` });
    if (Number(r.other_batch) > 0) violations.push({ id: r.id, detail: 'batch_claims of another batch' });
  }
  return { name: 'every payment = sum of its batch_claims', checked: rows.length, violations };
}

/** A transfer the bank returned (rejectPayment): its batch rows are voided, so that its claims can be paid again. */
async function rejectedPayments(db: Db): Promise<InvariantResult> {
  const rows = await rowsOf<{ id: string; live: string }>(
    db,
    `SELECT p.id, count(*) AS live FROM payments p JOIN batch_claims bc ON bc.payment_id = p.id
      WHERE p.status = 'rejected' AND NOT bc.voided GROUP BY p.id`,
  );
  return {
    name: 'every payment the bank rejected has its batch rows voided',
    checked: await count(db, `SELECT count(*) AS n FROM payments WHERE status = 'rejected'`),
    violations: rows.map((r) => ({ id: r.id, detail: `rejected with ${r.live} batch rows still live` })),
  };
}

async function budgetLines(db: Db): Promise<InvariantResult> {
  const rows = await rowsOf<{ id: string; amount_cents: string; spent: string }>(
    db,
    `SELECT bl.id, bl.amount_cents, sum(ep.amount_cents) AS spent
       FROM budget_lines bl JOIN expense_parts ep ON ep.budget_line_id = bl.id JOIN expenses e ON e.id = ep.expense_id AND e.status <> 'cancelled'
      GROUP BY bl.id
     HAVING sum(ep.amount_cents) > bl.amount_cents
        AND NOT bool_or(e.override_reason IS NOT NULL AND length(trim(e.override_reason)) > 0)`,
  );
  return {
    name: 'no budget line overspent without an expense carrying an override reason',
    checked: await count(db, `SELECT count(*) AS n FROM budget_lines`),
    violations: rows.map((r) => ({ id: r.id, detail: `spent ${r.spent} of ${r.amount_cents} with no override` })),
  };
}

async function expenseParts(db: Db): Promise<InvariantResult> {
  const rows = await rowsOf<{ id: string; amount_cents: string; parts: string | null }>(
    db,
    `SELECT e.id, e.amount_cents, (SELECT sum(amount_cents) FROM expense_parts WHERE expense_id = e.id) AS parts
       FROM expenses e WHERE e.status <> 'cancelled'`,
  );
  const violations = rows
    .filter((r) => r.parts !== null && Number(r.parts) !== Number(r.amount_cents))
    .map((r) => ({ id: r.id, detail: `parts ${r.parts} ≠ amount ${r.amount_cents}` }));
  return { name: 'the parts of every expense sum to its amount', checked: rows.length, violations };
}

/**
 * Drawdowns: per grant and year, what the drawdowns recorded as eligible equals the parts they
 * hold claimed now (withdrawals deducted), what they requested is neither negative nor over the
 * year's ceiling, and no expense part has two live claims.
 */
async function drawdowns(db: Db): Promise<InvariantResult> {
  const rows = await rowsOf<{
    grant_id: string;
    year: number;
    eligible: string | null;
    requested: string | null;
    claimed: string | null;
    ceiling: string | null;
  }>(
    db,
    `WITH y AS (SELECT d.grant_id, dy.year, sum(dy.eligible_actual_cents) AS eligible, sum(dy.requested_cents) AS requested
                  FROM drawdown_years dy JOIN drawdowns d ON d.id = dy.drawdown_id GROUP BY 1, 2),
          c AS (SELECT ep.grant_id, bl.year, sum(ep.amount_cents) AS claimed
                  FROM drawdown_parts dp JOIN expense_parts ep ON ep.id = dp.expense_part_id JOIN budget_lines bl ON bl.id = ep.budget_line_id
                 WHERE dp.withdrawn_by IS NULL GROUP BY 1, 2)
     SELECT coalesce(y.grant_id, c.grant_id) AS grant_id, coalesce(y.year, c.year) AS year, y.eligible, y.requested, c.claimed, gc.ceiling_cents AS ceiling
       FROM y FULL JOIN c ON c.grant_id = y.grant_id AND c.year = y.year
       LEFT JOIN grant_ceilings gc ON gc.grant_id = coalesce(y.grant_id, c.grant_id) AND gc.year = coalesce(y.year, c.year)`,
  );
  const violations: Violation[] = [];
  for (const r of rows) {
    const id = `${r.grant_id}/${r.year}`;
    if (Number(r.eligible ?? 0) !== Number(r.claimed ?? 0))
      violations.push({
        id,
        detail: `drawdowns recorded ${r.eligible ?? 0} eligible, live claims hold ${r.claimed ?? 0}`,
      });
    if (Number(r.requested ?? 0) < 0) violations.push({ id, detail: `requested ${r.requested} in all (negative)` });
    if (r.ceiling !== null && Number(r.requested ?? 0) > Number(r.ceiling))
      violations.push({ id, detail: `requested ${r.requested} over the ceiling ${r.ceiling}` });
  }
  const twice = await rowsOf<{ expense_part_id: string }>(
    db,
    `SELECT expense_part_id FROM drawdown_parts WHERE withdrawn_by IS NULL GROUP BY 1 HAVING count(*) > 1`,
  );
  for (const t of twice)
    violations.push({ id: t.expense_part_id, detail: 'expense part claimed by two drawdowns at once' });
  return {
    name: 'drawdowns: eligible = live claims, requested within 0 and the ceiling, no part claimed twice',
    checked: rows.length,
    violations,
  };
}

async function bookings(db: Db): Promise<InvariantResult> {
  const rows = await rowsOf<{ a: string; b: string }>(
    db,
    `SELECT a.id AS a, b.id AS b FROM bookings a JOIN bookings b ON a.venue_id = b.venue_id AND a.id < b.id AND a.during && b.during
      WHERE a.status = 'confirmed' AND b.status = 'confirmed'`,
  );
  return {
    name: 'no overlapping confirmed bookings',
    checked: await count(db, `SELECT count(*) AS n FROM bookings WHERE status = 'confirmed'`),
    violations: rows.map((r) => ({ id: `${r.a}/${r.b}`, detail: 'confirmed bookings of one venue overlap' })),
  };
}

async function outbox(db: Db, options: InvariantOptions): Promise<InvariantResult> {
  const rows = await rowsOf<{ id: string; message_id: string; status: string }>(
    db,
    `SELECT id, message_id, status FROM outbox_messages WHERE channel = 'email'`,
  );
  const violations: Violation[] = [];
  const deliveries = options.deliveries;
  if (options.outboxDelivered !== false) {
    for (const r of rows)
      if (r.status !== 'delivered') violations.push({ id: r.id, detail: `e-mail still ${r.status}` });
  }
  if (deliveries) {
    const byId = new Map<string, number[]>();
    for (const d of deliveries) byId.set(d.messageId, [...(byId.get(d.messageId) ?? []), d.at]);
    const known = new Set(rows.map((r) => r.message_id));
    for (const r of rows) {
      const times = byId.get(r.message_id);
      if (!times) {
        if (r.status === 'delivered')
          violations.push({ id: r.id, detail: 'marked delivered, never received by the SMTP server' });
        continue;
      }
      if (times.length > 1) {
        // A repeat is only allowed when an instance died between the first delivery and the repeat.
        const [first, last] = [Math.min(...times), Math.max(...times)];
        if (!(options.killTimes ?? []).some((k) => k >= first && k <= last))
          violations.push({ id: r.id, detail: `delivered ${times.length} times without a crash in between` });
      }
    }
    for (const id of byId.keys())
      if (!known.has(id))
        violations.push({
          id,
          detail: 'received a Message-ID the outbox does not know (a repeat with another Message-ID?)',
        });
  }
  const name = deliveries
    ? 'no outbox e-mail lost: each received at least once, repeats only after a crash, same Message-ID'
    : options.outboxDelivered === false
      ? 'outbox (delivery not checked: no worker ran)'
      : 'every outbox e-mail delivered';
  return { name, checked: rows.length, violations };
}

/** Attendance is evidence (docs/security.md): no mark before its session started, no claim (not an advance) before it either. */
async function evidenceAfterStart(db: Db): Promise<InvariantResult> {
  const marks = await rowsOf<{ session_id: string; participant_id: string; status: string }>(
    db,
    `SELECT sp.session_id, sp.participant_id, sp.status FROM session_participants sp JOIN sessions s ON s.id = sp.session_id
      WHERE sp.status IN ('attended', 'absent_excused', 'absent') AND (s.starts_at > now() OR sp.attendance_recorded_at < s.starts_at)`,
  );
  const claims = await rowsOf<{ id: string }>(
    db,
    `SELECT DISTINCT c.id FROM claims c JOIN claim_sessions cs ON cs.claim_id = c.id JOIN sessions s ON s.id = cs.session_id
      WHERE NOT c.is_advance AND c.created_at < s.starts_at`,
  );
  return {
    name: 'no attendance mark nor claim (advances aside) before its session started',
    checked: await count(db, `SELECT (SELECT count(*) FROM session_participants) + (SELECT count(*) FROM claims) AS n`),
    violations: [
      ...marks.map((r) => ({
        id: `${r.session_id}/${r.participant_id}`,
        detail: `${r.status} before the session started`,
      })),
      ...claims.map((r) => ({ id: r.id, detail: 'claim entered before its session started' })),
    ],
  };
}

/** The expense rollups (kept by triggers) equal the sums of the expenses and parts they stand for. */
async function expenseRollups(db: Db): Promise<InvariantResult> {
  const drift = await expenseRollupDrift(db);
  const violations: Violation[] = [];
  if (drift.parts)
    violations.push({ id: 'grant_part_rollup', detail: `${drift.parts} combination(s) differ from the parts` });
  if (drift.expenses)
    violations.push({ id: 'expense_rollup', detail: `${drift.expenses} combination(s) differ from the expenses` });
  return {
    name: 'expense rollups equal the expenses and parts they sum',
    checked: await count(db, 'SELECT (SELECT count(*) FROM expenses) + (SELECT count(*) FROM expense_parts) AS n'),
    violations,
  };
}

async function auditChain(db: Db, options: InvariantOptions): Promise<InvariantResult> {
  if (!options.audit) return { name: 'audit chain (not checked: no audit keys given)', checked: 0, violations: [] };
  const deps = { db, config: options.audit };
  if (options.seal) await sealAudit(deps);
  const report = await verifyAuditChain(deps);
  const violations: Violation[] = report.ok
    ? []
    : [
        {
          id: String(report.firstBroken?.seq ?? 'checkpoint'),
          detail: report.firstBroken?.reason ?? report.checkpointProblem ?? 'broken',
        },
      ];
  if (options.seal && report.unsealed > 0)
    violations.push({ id: 'unsealed', detail: `${report.unsealed} audit events not in the chain after sealing` });
  return { name: 'audit chain intact', checked: report.checked, violations };
}

/** Runs every check; never throws on a violation (see assertInvariants). */
export async function checkInvariants(db: Db, options: InvariantOptions = {}): Promise<InvariantResult[]> {
  const results: InvariantResult[] = [];
  for (const check of [
    claimInTwoLiveBatches,
    claimPaidTwice,
    claimStatusMatchesBatches,
    batchTotals,
    paymentTotals,
    rejectedPayments,
    budgetLines,
    expenseParts,
    expenseRollups,
    drawdowns,
    bookings,
    evidenceAfterStart,
  ]) {
    results.push(await check(db));
  }
  results.push(await outbox(db, options));
  results.push(await auditChain(db, options));
  return results;
}

export const violationCount = (results: InvariantResult[]) => results.reduce((n, r) => n + r.violations.length, 0);

/** One line per check, then up to 5 violations each. */
export function formatInvariants(results: InvariantResult[]): string {
  const lines = ['invariants:'];
  for (const r of results) {
    lines.push(
      `  ${r.violations.length ? '✗' : '✓'} ${r.name} — ${r.checked.toLocaleString('en-US')} checked, ${r.violations.length} violation${r.violations.length === 1 ? '' : 's'}`,
    );
    for (const v of r.violations.slice(0, 5)) lines.push(`      ${v.id}: ${v.detail}`);
    if (r.violations.length > 5) lines.push(`      … and ${r.violations.length - 5} more`);
  }
  lines.push(`  total: ${violationCount(results)} violation(s)`);
  return lines.join('\n');
}

/** Throws with the printout when any check failed. */
export function assertInvariants(results: InvariantResult[]): void {
  if (violationCount(results) > 0) throw new Error(formatInvariants(results));
}
