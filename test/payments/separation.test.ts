import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { rowCounts } from '../helpers/routes.js';
import { attendee, mileage, payingSetup, type PaySetup } from './helpers.js';

/** A claim entered by staff and approved by finance itself (finance may decide claims). */
async function decidedByFinance(s: PaySetup, participantId: string, distance: number) {
  const c = await s.staff.post('/api/claims', {
    participantId,
    sessionIds: [s.sessionId],
    lines: [mileage(distance)],
    submit: true,
  });
  expect(c.status, c.text).to.equal(201);
  const d = await s.finance.post(`/api/claims/${c.body.id}/decision`, {
    lines: [{ lineId: c.body.lines[0].id, grantedCents: c.body.lines[0].eligibleCents }],
  });
  expect(d.status, d.text).to.equal(200);
  return { id: c.body.id as string, reference: c.body.reference as string };
}

describe('payments: separation of duties setting', () => {
  let admin: Awaited<ReturnType<typeof signedIn>>;
  before(async () => {
    admin = await signedIn('admin');
  });
  afterEach(async () => {
    await admin.patch('/api/settings', { deciderCannotBatch: true });
  });

  it('when the setting is on (the default), then the decider’s claim is refused with a clear message, left out of filtered batches and of the builder, and nothing changes', async () => {
    expect((await admin.get('/api/settings')).body.settings.deciderCannotBatch).to.equal(true);
    const s = await payingSetup();
    const a = await attendee(s);
    const mine = await decidedByFinance(s, a.id, 90);
    const before = await rowCounts(['web_sessions']);
    const r = await s.finance.post('/api/payment-batches', { claimIds: [mine.id] });
    expect(r.status).to.equal(409);
    expect(r.body.error.code).to.equal('separation_of_duties');
    expect(r.body.error.message).to.include(mine.reference).and.include('une autre personne');
    expect(r.body.error.details[0]).to.deep.equal({ field: `claim ${mine.reference}`, message: 'décidée par vous' });
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
    const filtered = await s.finance.post('/api/payment-batches', { projectId: s.project.id });
    expect(filtered.status).to.equal(409);
    expect(filtered.body.error.code).to.equal('no_claims_to_batch');
    const builder = await s.finance.get(`/payments/new?projectId=${s.project.id}`);
    expect(builder.text).to.include('Les demandes que vous avez décidées n’apparaissent pas');
    expect(builder.text).not.to.include(mine.reference);
    const other = await signedIn('finance');
    const theirs = await other.post('/api/payment-batches', { claimIds: [mine.id] });
    expect(theirs.status, theirs.text).to.equal(201);
  });

  it('when an admin turns the setting off from the settings page, then the decider may batch their own claim (explicit, filtered and in the builder)', async () => {
    const page = await admin.get('/admin/settings');
    expect(page.text).to.include('Séparation des tâches').and.include('name="deciderCannotBatch"');
    const saved = await admin.postForm('/admin/settings', { deciderCannotBatch: 'false' });
    expect(saved.status, saved.text).to.equal(303);
    expect((await admin.get('/api/settings')).body.settings.deciderCannotBatch).to.equal(false);
    const audit = await ctx()
      .deps.db('audit_events')
      .where({ action: 'settings.updated' })
      .orderBy('id', 'desc')
      .first('data');
    expect(JSON.stringify(audit?.data ?? {})).to.include('deciderCannotBatch');
    const s = await payingSetup();
    const a = await attendee(s);
    const first = await decidedByFinance(s, a.id, 90);
    const second = await decidedByFinance(s, a.id, 60);
    const builder = await s.finance.get(`/payments/new?projectId=${s.project.id}`);
    expect(builder.text).to.include(first.reference).and.not.include('Les demandes que vous avez décidées');
    const explicit = await s.finance.post('/api/payment-batches', { claimIds: [first.id] });
    expect(explicit.status, explicit.text).to.equal(201);
    const filtered = await s.finance.post('/api/payment-batches', { projectId: s.project.id });
    expect(filtered.status, filtered.text).to.equal(201);
    expect(
      filtered.body.payments.flatMap((p: { claims: { id: string }[] }) => p.claims.map((c) => c.id)),
    ).to.deep.equal([second.id]);
    expect(filtered.body.skipped.decidedByYou).to.equal(0);
    expect((await admin.patch('/api/settings', { deciderCannotBatch: 'no' })).status).to.equal(400);
  });
});
