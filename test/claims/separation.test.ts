import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { SAMPLE_FILES } from '../helpers/documents.js';
import { declaredRoutes } from '../helpers/routes.js';
import type { Client } from '../helpers/client.js';
import { mayDecide } from '../../server/claims/policy.js';
import { attendedSession, MILEAGE } from './helpers.js';

type Person = Client & { user: { id: string } };
type World = Awaited<ReturnType<typeof attendedSession>>;

const TAXI_90K = { kind: 'taxi', amountCents: 9_000_000 };
const db = () => ctx().deps.db;
const pdf = (tag: string) => ({
  field: 'file',
  name: 'ticket.pdf',
  bytes: Buffer.concat([SAMPLE_FILES.pdf, Buffer.from(`% ${tag} ${Math.random()}`)]),
  type: 'application/pdf',
});

async function draftBy(
  w: World,
  who: Client = w.staff,
): Promise<{ id: string; lines: { id: string; eligibleCents: number }[] }> {
  const c = await who.post('/api/claims', { participantId: w.person.id, sessionIds: [w.sessionId], lines: [MILEAGE] });
  expect(c.status, c.text).to.equal(201);
  return c.body;
}

/** An approved advance whose session is now over: ready to settle. */
async function decidedAdvance(w: World): Promise<string> {
  const s = await w.staff.post('/api/sessions', {
    projectId: w.project.id,
    title: 'Comité',
    kind: 'committee',
    capacity: 10,
    startsAt: '2030-05-02T09:00:00+02:00',
    endsAt: '2030-05-02T12:00:00+02:00',
  });
  expect(s.status, s.text).to.equal(201);
  await db()('session_participants').insert({
    session_id: s.body.id,
    participant_id: w.person.id,
    status: 'confirmed',
    invited_at: new Date(),
  });
  const a = await w.staff.post('/api/claims', {
    participantId: w.person.id,
    sessionIds: [s.body.id],
    isAdvance: true,
    lines: [{ kind: 'public_transport', amountCents: 2500 }],
    submit: true,
  });
  expect(a.status, a.text).to.equal(201);
  const d = await w.lead.post(`/api/claims/${a.body.id}/decision`, {
    lines: [{ lineId: a.body.lines[0].id, grantedCents: 2500 }],
    override: { reason: 'Avance sur estimation' },
  });
  expect(d.status, d.text).to.equal(200);
  await db()('sessions')
    .where({ id: s.body.id })
    .update({ starts_at: new Date('2026-03-20T08:00:00Z'), ends_at: new Date('2026-03-20T11:00:00Z') });
  return a.body.id;
}

const settlementOf = async (advanceId: string) =>
  (await db()('claims').where({ advance_of_claim_id: advanceId }).first('id')).id as string;

/**
 * How to exercise each route that writes a claim, its lines or its receipts, acting as `me`
 * (a finance user, who could otherwise decide any claim). Returns the claim `me` had a hand on.
 */
const EXERCISES: Record<string, (w: World, me: Client) => Promise<string>> = {
  'POST /api/claims': async (w, me) => (await draftBy(w, me)).id,
  'PATCH /api/claims/:id': async (w, me) => {
    const { id } = await draftBy(w);
    const r = await me.patch(`/api/claims/${id}`, { lines: [TAXI_90K] });
    expect(r.status, r.text).to.equal(200);
    return id;
  },
  'POST /api/claims/:id/receipts': async (w, me) => {
    const c = await draftBy(w);
    const r = await me.upload('POST', `/api/claims/${c.id}/receipts`, { amountCents: '450' }, pdf(c.id));
    expect(r.status, r.text).to.equal(201);
    return c.id;
  },
  'POST /api/claims/:id/submit': async (w, me) => {
    const { id } = await draftBy(w);
    expect((await me.post(`/api/claims/${id}/submit`)).status).to.equal(200);
    return id;
  },
  'POST /api/claims/:id/cancel': async (w, me) => {
    const { id } = await draftBy(w);
    expect((await me.post(`/api/claims/${id}/cancel`, {})).status).to.equal(200);
    return id;
  },
  'POST /api/claims/:id/settle': async (w, me) => {
    const advanceId = await decidedAdvance(w);
    const r = await me.post(`/api/claims/${advanceId}/settle`, { lines: [] });
    expect(r.status, r.text).to.equal(201);
    return r.body.id;
  },
  'POST /claims/new': async (w, me) => {
    const r = await me.postForm('/claims/new', {
      participantId: w.person.id,
      sessionId: w.sessionId,
      action: 'save',
      kind: 'public_transport',
      amount: '4,50',
    });
    expect(r.status, r.text).to.equal(303);
    return r.headers.get('location')!.split('/').pop()!;
  },
  'POST /claims/:id/submit': async (w, me) => {
    const { id } = await draftBy(w);
    expect((await me.postForm(`/claims/${id}/submit`, {})).status).to.equal(303);
    return id;
  },
  'POST /claims/:id/cancel': async (w, me) => {
    const { id } = await draftBy(w);
    expect((await me.postForm(`/claims/${id}/cancel`, {})).status).to.equal(303);
    return id;
  },
  'POST /claims/:id/receipts': async (w, me) => {
    const { id } = await draftBy(w);
    expect((await me.upload('POST', `/claims/${id}/receipts`, { amount: '4,50' }, pdf(id))).status).to.equal(303);
    return id;
  },
  'POST /claims/:id/settle': async (w, me) => {
    const advanceId = await decidedAdvance(w);
    expect((await me.postForm(`/claims/${advanceId}/settle`, { outcome: 'absent' })).status).to.equal(303);
    return settlementOf(advanceId);
  },
};

/** The routes that decide (their author's act is the decision itself, recorded as decided_by). */
const DECISION_ROUTES = ['POST /api/claims/:id/decision', 'POST /api/claims/bulk-approve', 'POST /claims/:id/decision'];

/** Tries every decision path as `who`; returns what each answered, the claim unchanged when refused. */
async function tryEveryDecisionPath(who: Client, claimId: string) {
  const claim = (await who.get(`/api/claims/${claimId}`)).body;
  const lines = claim.lines.map((l: { id: string; eligibleCents: number }) => ({
    lineId: l.id,
    grantedCents: l.eligibleCents,
  }));
  const api = await who.post(`/api/claims/${claimId}/decision`, {
    lines,
    override: { reason: 'Justificatif vu au guichet' },
  });
  const form = await who.postForm(`/claims/${claimId}/decision`, {
    lineId: lines.map((l: { lineId: string }) => l.lineId),
    granted: lines.map((l: { grantedCents: number }) => (l.grantedCents / 100).toFixed(2).replace('.', ',')),
    reasonCode: lines.map(() => ''),
    reasonNote: lines.map(() => ''),
    overrideReason: 'Justificatif vu au guichet',
  });
  const afterForm = await db()('claims').where({ id: claimId }).first('status');
  const page = await who.get(`/claims/${claimId}`);
  const bulk = await who.post('/api/claims/bulk-approve', { claimIds: [claimId] });
  return {
    api,
    formStatus: form.status,
    statusAfterForm: afterForm.status as string,
    page: page.text,
    bulk: bulk.body,
  };
}

describe('claims: separation of duties counts every hand', () => {
  it('when the rule is asked, then finance and the project’s lead may decide, a lead of another project may not, and any hand of the actor refuses with every act named once', () => {
    const [me, other, lead] = ['u-me', 'u-other', 'u-lead'];
    const none = { projectLeadId: lead, hands: [{ userId: other, action: 'created' as const }] };
    expect(mayDecide({ userId: me, roles: ['finance'] }, none)).to.deep.equal({ ok: true });
    expect(mayDecide({ userId: lead, roles: ['project_lead'] }, none)).to.deep.equal({ ok: true });
    const notDecider = mayDecide({ userId: me, roles: ['project_lead'] }, none);
    expect(notDecider).to.deep.include({
      ok: false,
      code: 'forbidden',
      reason: 'Seuls le service financier et le chef de ce projet décident de ses demandes.',
    });
    expect(!notDecider.ok && notDecider.error).to.include({
      status: 403,
      code: 'forbidden',
      message: 'Seuls le service financier et le chef de ce projet décident de ses demandes.',
    });
    expect(mayDecide({ userId: me, roles: ['staff'] }, none).ok).to.equal(false);
    const mine = {
      projectLeadId: lead,
      hands: [
        { userId: me, action: 'receipt_added' as const },
        { userId: other, action: 'created' as const },
        { userId: me, action: 'receipt_added' as const },
        { userId: me, action: 'advance_settled' as const },
      ],
    };
    expect(mayDecide({ userId: me, roles: ['finance', 'project_lead'] }, mine)).to.deep.include({
      ok: false,
      code: 'separation_of_duties',
      reason:
        'Vous êtes intervenu·e sur cette demande (ajout d’un justificatif, régularisation de l’avance) : une autre personne doit la décider.',
    });
  });

  it('when a route writes a claim, its lines or receipts, then it is a decision or it has an exercise below (a new write route must record its hand)', () => {
    const writes = declaredRoutes()
      .filter((r) => r.method !== 'get' && (r.path.startsWith('/api/claims') || r.path.startsWith('/claims')))
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(writes.length).to.be.greaterThan(8);
    const unchecked = writes.filter((w) => !DECISION_ROUTES.includes(w) && !EXERCISES[w]);
    expect(unchecked, 'claim write routes with no hand check: add them to EXERCISES').to.deep.equal([]);
    for (const d of DECISION_ROUTES) expect(writes, d).to.include(d);
  });

  for (const route of Object.keys(EXERCISES)) {
    it(`when finance calls ${route}, then a hand is recorded for them and every decision path refuses them`, async function () {
      this.timeout(60_000);
      const w = await attendedSession();
      const me = (await signedIn('finance')) as Person;
      const claimId = await EXERCISES[route](w, me);
      const hands = await db()('claim_hands').where({ claim_id: claimId, user_id: me.user.id }).select('action');
      expect(hands, `${route} left no hand for the acting user`).to.have.length.greaterThan(0);
      const { status } = await db()('claims').where({ id: claimId }).first('status');
      if (status === 'cancelled') return;
      if (status === 'draft') expect((await w.staff.post(`/api/claims/${claimId}/submit`)).status).to.equal(200);
      const tried = await tryEveryDecisionPath(me, claimId);
      expect(tried.api.status, tried.api.text).to.equal(409);
      expect(tried.api.body.error.code).to.equal('separation_of_duties');
      expect(tried.formStatus).to.equal(303);
      expect(tried.statusAfterForm).to.equal('submitted');
      expect(tried.page)
        .to.include('Vous êtes intervenu·e sur cette demande')
        .and.not.include(`action="/claims/${claimId}/decision"`);
      expect(tried.bulk).to.deep.equal({ approved: [], skipped: [{ claimId, reason: 'separation_of_duties' }] });
      expect(
        Number(
          (await db()('audit_events').where({ record_id: claimId, action: 'claim.decided' }).count({ n: '*' }))[0].n,
        ),
      ).to.equal(0);
    });
  }

  it('when finance replaces the lines of a staff claim with a 90,000 € taxi, submits it, then approves it, then 409 separation_of_duties with the reason, and the claim stays undecided', async () => {
    const w = await attendedSession();
    const finance = await signedIn('finance');
    const { id } = await draftBy(w);
    const edited = await finance.patch(`/api/claims/${id}`, { lines: [TAXI_90K] });
    expect(edited.status, edited.text).to.equal(200);
    expect(edited.body.lines[0].requestedCents).to.equal(9_000_000);
    expect((await finance.post(`/api/claims/${id}/submit`)).status).to.equal(200);
    const lines = edited.body.lines.map((l: { id: string; eligibleCents: number }) => ({
      lineId: l.id,
      grantedCents: l.eligibleCents,
    }));
    const r = await finance.post(`/api/claims/${id}/decision`, { lines, override: { reason: 'Justificatif vu' } });
    expect(r.status, r.text).to.equal(409);
    expect(r.body.error.code).to.equal('separation_of_duties');
    expect(r.body.error.message).to.equal(
      'Vous êtes intervenu·e sur cette demande (modification du brouillon, transmission) : une autre personne doit la décider.',
    );
    const claim = await db()('claims').where({ id }).first('status', 'decided_by', 'amount_granted_cents');
    expect(claim).to.deep.equal({ status: 'submitted', decided_by: null, amount_granted_cents: null });
    // The staff member who entered it may not decide either (and has no decider role); the project lead, who had no hand, may.
    const byLead = await w.lead.post(`/api/claims/${id}/decision`, {
      lines: lines.map((l: { lineId: string }) => ({ lineId: l.lineId, grantedCents: 0, reasonCode: 'not_eligible' })),
    });
    expect(byLead.status, byLead.text).to.equal(200);
    expect(byLead.body.status).to.equal('rejected');
  });

  it('when a project lead only submitted a claim staff entered, then they may not decide it (409 with the reason); finance, with no hand, may', async () => {
    const w = await attendedSession();
    const c = await draftBy(w);
    expect((await w.lead.post(`/api/claims/${c.id}/submit`)).status).to.equal(200);
    const lines = c.lines.map((l) => ({ lineId: l.id, grantedCents: l.eligibleCents }));
    const r = await w.lead.post(`/api/claims/${c.id}/decision`, { lines });
    expect(r.status, r.text).to.equal(409);
    expect(r.body.error.code).to.equal('separation_of_duties');
    expect(r.body.error.message).to.equal(
      'Vous êtes intervenu·e sur cette demande (transmission) : une autre personne doit la décider.',
    );
    const finance = await signedIn('finance');
    const ok = await finance.post(`/api/claims/${c.id}/decision`, { lines });
    expect(ok.status, ok.text).to.equal(200);
    expect((await db()('claims').where({ id: c.id }).first('decided_by')).decided_by).to.equal(
      (finance as Person).user.id,
    );
  });

  it('when someone with a hand opens the claim page, then it says in French why there is no decision form, and lists who had a hand', async () => {
    const w = await attendedSession();
    const c = await draftBy(w);
    expect((await w.lead.post(`/api/claims/${c.id}/submit`)).status).to.equal(200);
    const forLead = await w.lead.get(`/claims/${c.id}`);
    expect(forLead.status).to.equal(200);
    expect(forLead.text).to.not.include(`action="/claims/${c.id}/decision"`);
    expect(forLead.text).to.include(
      '<p class="hint" id="decision-refusal">Vous êtes intervenu·e sur cette demande (transmission) : une autre personne doit la décider.</p>',
    );
    expect(forLead.text).to.include('Intervenu·es').and.include('(saisie)').and.include('(transmission)');
    const forStaff = await w.staff.get(`/claims/${c.id}`);
    expect(forStaff.text).to.include('Seuls le service financier et le chef de ce projet décident de ses demandes.');
    const finance = await signedIn('finance');
    const forFinance = await finance.get(`/claims/${c.id}`);
    expect(forFinance.text).to.include(`action="/claims/${c.id}/decision"`).and.not.include('decision-refusal');
  });

  it('when some path writes as decider someone who had a hand, straight into the database, then the database refuses it (23514) and accepts another person', async () => {
    const w = await attendedSession();
    const c = await draftBy(w);
    expect((await w.lead.post(`/api/claims/${c.id}/submit`)).status).to.equal(200);
    const decide = (userId: string) =>
      db()
        .transaction(async (trx) => {
          await trx('claims')
            .where({ id: c.id })
            .update({ status: 'approved', decided_at: new Date(), decided_by: userId, amount_granted_cents: 0 });
          throw new Error('rollback');
        })
        .then(
          () => 'stored',
          (e: { code?: string; message: string }) => e.code ?? e.message,
        );
    expect(await decide((w.lead as Person).user.id)).to.equal('23514');
    expect(await decide((w.staff as Person).user.id)).to.equal('23514');
    const finance = (await signedIn('finance')) as Person;
    expect(await decide(finance.user.id)).to.equal('rollback');
  });

  it('when the hands of older claims are backfilled, then entry, receipts, edits and submission come back with their users, and down removes only the backfilled rows', async () => {
    const w = await attendedSession();
    const finance = (await signedIn('finance')) as Person;
    const c = await draftBy(w);
    expect(
      (await finance.upload('POST', `/api/claims/${c.id}/receipts`, { amountCents: '450' }, pdf(c.id))).status,
    ).to.equal(201);
    expect((await finance.patch(`/api/claims/${c.id}`, { lines: [MILEAGE] })).status).to.equal(200);
    expect((await w.lead.post(`/api/claims/${c.id}/submit`)).status).to.equal(200);
    const recorded = await db()('claim_hands').where({ claim_id: c.id }).orderBy('id').select('user_id', 'action');
    const staffId = (w.staff as Person).user.id;
    const leadId = (w.lead as Person).user.id;
    expect(recorded).to.deep.equal([
      { user_id: staffId, action: 'created' },
      { user_id: finance.user.id, action: 'receipt_added' },
      { user_id: finance.user.id, action: 'edited' },
      { user_id: leadId, action: 'submitted' },
    ]);
    const total = Number((await db()('claim_hands').count({ n: '*' }))[0].n);
    const migration = await import('../../db/migrations/20261207T1031-backfill-claim-hands.js');
    await db()
      .transaction(async (trx) => {
        await trx('claim_hands').where({ claim_id: c.id }).delete();
        await migration.up(trx);
        const back = await trx('claim_hands').where({ claim_id: c.id, backfilled: true }).select('user_id', 'action');
        const key = (h: { user_id: string; action: string }) => `${h.action}:${h.user_id}`;
        expect(back.map(key).sort()).to.deep.equal(recorded.map(key).sort());
        await migration.down(trx);
        expect(Number((await trx('claim_hands').count({ n: '*' }))[0].n)).to.equal(total - recorded.length);
        // Leave the database as the other tests found it.
        throw new Error('rollback');
      })
      .catch((e: Error) => {
        if (e.message !== 'rollback') throw e;
      });
    expect(Number((await db()('claim_hands').count({ n: '*' }))[0].n)).to.equal(total);
  });
});
