import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { attendedSession, MILEAGE } from '../claims/helpers.js';
import { fundedGrant } from './helpers.js';
import { budgetLines, compactExpenseRollups, expenseRollupDrift } from '../../server/grants/index.js';

const db = () => ctx().deps.db;

/** A project funded by a grant (mileage line 2026) and `n` submitted claims of attendees. */
async function fundedClaims(n: number) {
  const s = await attendedSession();
  const finance = await signedIn('finance');
  const grant = await fundedGrant(finance, s.project.id, { mileage: 1_000_000 }, { shareBp: 6000 });
  const claims: { id: string; lines: { id: string; eligibleCents: number }[] }[] = [];
  for (let i = 0; i < n; i++) {
    const person = i === 0 ? s.person : await createParticipant();
    if (i > 0)
      await db()('session_participants').insert({
        session_id: s.sessionId,
        participant_id: person.id,
        status: 'attended',
        walk_in: true,
      });
    const c = await s.staff.post('/api/claims', {
      participantId: person.id,
      sessionIds: [s.sessionId],
      lines: [MILEAGE, { ...MILEAGE, distanceDeciKm: 100 + i }],
      submit: true,
    });
    expect(c.status, c.text).to.equal(201);
    claims.push(c.body);
  }
  const decide = (c: (typeof claims)[number]) =>
    s.lead.post(`/api/claims/${c.id}/decision`, {
      lines: c.lines.map((l) => ({ lineId: l.id, grantedCents: l.eligibleCents })),
    });
  return { ...s, finance, grant, claims, decide };
}

/** The grant's budget-line figures summed from its parts (what the rollups stand for). */
async function lineFiguresFromParts(grantId: string) {
  const rows = await db()('expense_parts as p')
    .join('expenses as e', 'e.id', 'p.expense_id')
    .where('p.grant_id', grantId)
    .groupBy('p.budget_line_id')
    .select(
      'p.budget_line_id',
      db().raw("coalesce(sum(p.amount_cents) FILTER (WHERE e.status = 'committed'), 0)::bigint AS committed"),
      db().raw("coalesce(sum(p.amount_cents) FILTER (WHERE e.status = 'actual'), 0)::bigint AS actual"),
    );
  return new Map(rows.map((r) => [r.budget_line_id, { committed: Number(r.committed), actual: Number(r.actual) }]));
}

describe('grants: expense rollups kept by the database', () => {
  it('when expenses and parts are written by the use cases or by hand (status, days, parts replaced, an expense deleted), then the rollups equal the detail rows before and after compaction, and the budget lines read them', async () => {
    const s = await fundedClaims(3);
    for (const c of s.claims) expect((await s.decide(c)).status).to.equal(200);
    expect(await expenseRollupDrift(db())).to.deep.equal({ parts: 0, expenses: 0 });
    const expenses = await db()('expenses').where({ project_id: s.project.id }).orderBy('reference').select('id');
    expect(expenses.length).to.equal(6);
    // By hand, past the use cases: the triggers still keep the rollups.
    await db()('expenses').where({ id: expenses[0].id }).update({ status: 'actual', paid_on: '2026-04-02' });
    await db()('expenses').where({ id: expenses[1].id }).update({ incurred_on: '2026-03-11' });
    await db().transaction(async (trx) => {
      await trx('expenses')
        .where({ id: expenses[2].id })
        .update({ status: 'cancelled', cancelled_at: new Date(), paid_on: null });
      await trx('expense_parts').where({ expense_id: expenses[3].id }).update({ amount_cents: 1 });
    });
    await db()('expenses').where({ id: expenses[4].id }).delete();
    expect(await expenseRollupDrift(db())).to.deep.equal({ parts: 0, expenses: 0 });
    const fromParts = await lineFiguresFromParts(s.grant.id);
    const lines = await budgetLines(db(), s.grant.id);
    expect(lines.map((l) => [l.committed_cents, l.actual_cents])).to.deep.equal(
      lines.map((l) => [fromParts.get(l.id)?.committed ?? 0, fromParts.get(l.id)?.actual ?? 0]),
    );
    expect(lines.find((l) => l.category === 'mileage')!.actual_cents).to.be.greaterThan(0);
    const before = await db()('grant_part_rollup').where({ grant_id: s.grant.id }).count({ n: '*' });
    await compactExpenseRollups(db());
    expect(await expenseRollupDrift(db())).to.deep.equal({ parts: 0, expenses: 0 });
    const after = await db()('grant_part_rollup')
      .where({ grant_id: s.grant.id })
      .select(db().raw('count(*)::int AS n'), db().raw('count(*) FILTER (WHERE NOT compacted)::int AS fresh'));
    expect(after[0].fresh).to.equal(0);
    expect(after[0].n).to.be.lessThan(Number(before[0].n));
    expect(await budgetLines(db(), s.grant.id)).to.deep.equal(lines);
  });

  it('@pg when a project lead decides many claims of one project at once while the rollups are compacted, then every decision goes through and the rollups still equal the detail rows', async () => {
    const s = await fundedClaims(12);
    const replies = await Promise.all([
      ...s.claims.map((c) => s.decide(c)),
      compactExpenseRollups(db()),
      compactExpenseRollups(db()),
    ]);
    for (const r of replies.slice(0, s.claims.length)) expect((r as { status: number }).status).to.equal(200);
    await compactExpenseRollups(db());
    expect(await expenseRollupDrift(db())).to.deep.equal({ parts: 0, expenses: 0 });
    const [{ n }] = await db()('expenses').where({ project_id: s.project.id }).count({ n: '*' });
    expect(Number(n)).to.equal(24);
  });
});
