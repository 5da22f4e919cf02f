import { expect } from 'chai';
import { signedIn } from '../helpers/factories.js';
import { createProject, createVenue } from '../helpers/logistics.js';
import { SAMPLE_FILES } from '../helpers/documents.js';
import { ctx } from '../helpers/context.js';
import { approvedClaim, attendee, exportedBatch, mileage, payingSetup } from '../payments/helpers.js';
import { db, expensesOfClaim, fundedGrant, lineOf, partsOf } from './helpers.js';

const invoice = (
  client: Awaited<ReturnType<typeof signedIn>>,
  fields: Record<string, string>,
  bytes = SAMPLE_FILES.pdf,
) =>
  client.upload('POST', '/api/expenses', fields, {
    field: 'file',
    name: 'facture.pdf',
    bytes,
    type: 'application/pdf',
  });

describe('grants: expenses', () => {
  it('when a claim is decided, then each granted line is a committed expense split on the budget line; paid → actual on the payment day; rejected by the bank → committed again', async () => {
    const s = await payingSetup();
    const g = await fundedGrant(s.finance, s.project.id, { mileage: 1_000_000 }, { shareBp: 5000 });
    const a = await attendee(s);
    const claim = await approvedClaim(s, a.id, [mileage(420)]);
    const [e] = await expensesOfClaim(claim.id);
    expect(e).to.include({
      source: 'claim_line',
      status: 'committed',
      category: 'mileage',
      incurred_on: '2026-03-12',
      project_id: s.project.id,
    });
    expect(Number(e.amount_cents)).to.equal(claim.amountCents);
    const parts = await partsOf(e.id);
    expect(parts.reduce((t, p) => t + Number(p.amount_cents), 0)).to.equal(claim.amountCents);
    expect(parts.find((p) => p.grant_id === g.id)!.amount_cents).to.be.oneOf([
      Math.floor(claim.amountCents / 2),
      Math.ceil(claim.amountCents / 2),
    ]);
    expect((await lineOf(s.finance, g.id, 'mileage')).committedCents).to.equal(
      Number(parts.find((p) => p.grant_id === g.id)!.amount_cents),
    );

    const batch = await exportedBatch(s, [claim.id]);
    ctx().clock.now = new Date('2026-04-02T10:00:00+02:00');
    try {
      const paid = await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {});
      expect(paid.status, paid.text).to.equal(200);
    } finally {
      ctx().clock.now = null;
    }
    expect(await db()('expenses').where({ id: e.id }).first('status', 'paid_on')).to.deep.equal({
      status: 'actual',
      paid_on: '2026-04-02',
    });
    const line = await lineOf(s.finance, g.id, 'mileage');
    expect(line.committedCents).to.equal(0);
    expect(line.actualCents).to.be.greaterThan(0);
    const rej = await s.finance.post(`/api/payments/${batch.payments[0].id}/reject`, { reasonCode: 'AC04' });
    expect(rej.status, rej.text).to.equal(200);
    expect(await db()('expenses').where({ id: e.id }).first('status', 'paid_on')).to.deep.equal({
      status: 'committed',
      paid_on: null,
    });
  });

  it('when a decision would push a budget line past its amount, then 409 names the line and what remains, the decision rolls back, a lead cannot overrule and finance can with a reason (audited)', async () => {
    const s = await payingSetup();
    const g = await fundedGrant(s.finance, s.project.id, { mileage: 100 });
    const a = await attendee(s);
    const c = await s.staff.post('/api/claims', {
      participantId: a.id,
      sessionIds: [s.sessionId],
      lines: [mileage(420)],
      submit: true,
    });
    const decision = {
      lines: c.body.lines.map((l: { id: string; eligibleCents: number }) => ({
        lineId: l.id,
        grantedCents: l.eligibleCents,
      })),
    };
    const blocked = await s.lead.post(`/api/claims/${c.body.id}/decision`, decision);
    expect(blocked.status).to.equal(409);
    expect(blocked.body.error.code).to.equal('budget_exceeded_requires_override');
    expect(blocked.body.error.details[0].message)
      .to.include(g.reference)
      .and.include('2026')
      .and.include('100 centimes');
    expect((await db()('claims').where({ id: c.body.id }).first('status')).status).to.equal('submitted');
    expect(await expensesOfClaim(c.body.id)).to.have.length(0);
    const leadOverride = await s.lead.post(`/api/claims/${c.body.id}/decision`, {
      ...decision,
      override: { reason: 'Urgence sociale' },
    });
    expect(leadOverride.status).to.equal(403);
    const ok = await s.finance.post(`/api/claims/${c.body.id}/decision`, {
      ...decision,
      override: { reason: 'Dépassement validé par la direction' },
    });
    expect(ok.status, ok.text).to.equal(200);
    const [e] = await expensesOfClaim(c.body.id);
    expect(e.override_reason).to.equal('Dépassement validé par la direction');
    const audit = await db()('audit_events')
      .where({ record_id: e.id, action: 'expense.budget_overridden' })
      .first('reason_code', 'data');
    expect(audit.reason_code).to.equal('budget_override');
    expect(JSON.stringify(audit.data)).not.to.include('direction');
    expect((await lineOf(s.finance, g.id, 'mileage')).remainingCents).to.be.below(0);
  });

  it('when a booking of a paying venue is confirmed, then its cost is committed on the venue line; cancelled → the expense is cancelled; its invoice makes it actual', async () => {
    const s = await payingSetup();
    const g = await fundedGrant(s.finance, s.project.id, { venue: 1_000_000 });
    const venue = await createVenue({ costMode: 'day', costCents: 12_000 });
    const sess = await s.staff.post('/api/sessions', {
      projectId: s.project.id,
      title: 'Atelier budget',
      kind: 'workshop',
      capacity: 10,
      startsAt: '2026-06-10T09:00:00+02:00',
      endsAt: '2026-06-10T17:00:00+02:00',
    });
    expect(sess.status, sess.text).to.equal(201);
    const b = await s.staff.post('/api/bookings', { venueId: venue.id, sessionId: sess.body.id });
    expect(b.status, b.text).to.equal(201);
    const conf = await s.staff.post(`/api/bookings/${b.body.id}/confirm`, {});
    expect(conf.status, conf.text).to.equal(200);
    const e = await db()('expenses').where({ booking_id: b.body.id }).first();
    expect(e).to.include({
      source: 'booking',
      category: 'venue',
      status: 'committed',
      incurred_on: '2026-06-10',
      session_id: sess.body.id,
    });
    expect(Number(e.amount_cents)).to.equal(12_000);
    expect((await lineOf(s.finance, g.id, 'venue')).committedCents).to.equal(12_000);
    const inv = await s.finance.upload(
      'POST',
      `/api/expenses/${e.id}/invoice`,
      { paidOn: '2026-06-30', amountCents: '11500' },
      { field: 'file', name: 'facture.pdf', bytes: SAMPLE_FILES.pdf, type: 'application/pdf' },
    );
    expect(inv.status, inv.text).to.equal(200);
    expect(inv.body).to.include({ status: 'actual', paidOn: '2026-06-30', amountCents: 11_500, hasInvoice: true });
    expect((await lineOf(s.finance, g.id, 'venue')).actualCents).to.equal(11_500);

    const b2 = await s.staff.post('/api/bookings', {
      venueId: venue.id,
      sessionId: (
        await s.staff.post('/api/sessions', {
          projectId: s.project.id,
          title: 'Atelier 2',
          kind: 'workshop',
          capacity: 10,
          startsAt: '2026-06-11T09:00:00+02:00',
          endsAt: '2026-06-11T12:00:00+02:00',
        })
      ).body.id,
    });
    await s.staff.post(`/api/bookings/${b2.body.id}/confirm`, {});
    expect((await db()('expenses').where({ booking_id: b2.body.id }).first('status')).status).to.equal('committed');
    await s.staff.post(`/api/bookings/${b2.body.id}/cancel`, {});
    expect((await db()('expenses').where({ booking_id: b2.body.id }).first('status')).status).to.equal('cancelled');
    expect((await lineOf(s.finance, g.id, 'venue')).committedCents).to.equal(0);
  });

  it('when finance enters an invoice, then it is split (no_budget_line warned), actual with paidOn, its file downloadable (audited); without category → 400 category; a fake file → 400 file', async () => {
    const finance = await signedIn('finance');
    const project = await createProject();
    const g1 = await fundedGrant(finance, project.id, { catering: 100_000 }, { shareBp: 3333 });
    const g2 = await fundedGrant(finance, project.id, {}, { shareBp: 3333, funder: 'CAF' });
    const fields = {
      projectId: project.id,
      category: 'catering',
      description: 'Buffet atelier',
      supplier: 'Traiteur du Vercors',
      invoiceNumber: 'FA-2026-118',
      amountCents: '10001',
      incurredOn: '2026-05-20',
      paidOn: '2026-06-01',
    };
    const r = await invoice(finance, fields);
    expect(r.status, r.text).to.equal(201);
    expect(r.body).to.include({ status: 'actual', paidOn: '2026-06-01', amountCents: 10001, source: 'invoice' });
    expect(r.body.parts.reduce((t: number, p: { amountCents: number }) => t + p.amountCents, 0)).to.equal(10001);
    expect(r.body.parts.find((p: { grantId: string }) => p.grantId === g1.id).amountCents).to.be.oneOf([3333, 3334]);
    expect(r.body.parts.some((p: { grantId: string }) => p.grantId === g2.id)).to.equal(false);
    expect(r.body.warnings.map((w: { code: string }) => w.code)).to.deep.equal(['no_budget_line']);
    const file = await fetch(`${ctx().baseUrl}/api/expenses/${r.body.id}/invoice`, {
      headers: { cookie: [...finance.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(file.status).to.equal(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(SAMPLE_FILES.pdf)).to.equal(true);
    expect(
      await db()('audit_events').where({ record_id: r.body.id, action: 'expense.invoice_downloaded' }).first('id'),
    ).to.not.equal(undefined);
    const { category: _c, ...noCategory } = fields;
    const missing = await invoice(finance, noCategory);
    expect(missing.status).to.equal(400);
    expect(missing.body.error.details.map((d: { field: string }) => d.field)).to.include('category');
    const fake = await invoice(finance, fields, SAMPLE_FILES.executable);
    expect(fake.status).to.equal(400);
    expect(fake.body.error.details[0].field).to.equal('file');
    const list = await finance.get(`/api/expenses?projectId=${project.id}&category=catering&status=actual`);
    expect(list.body.items.map((x: { id: string }) => x.id)).to.deep.equal([r.body.id]);
    const byGrant = await finance.get(`/api/expenses?grantId=${g1.id}`);
    expect(byGrant.body.items.map((x: { id: string }) => x.id)).to.deep.equal([r.body.id]);
    // A list of payment days is by payment day, newest first: paid later, served earlier, listed first.
    const later = await invoice(finance, {
      ...fields,
      invoiceNumber: 'FA-2026-119',
      incurredOn: '2026-05-01',
      paidOn: '2026-06-20',
    });
    expect(later.status, later.text).to.equal(201);
    const paid = await finance.get(
      `/api/expenses?projectId=${project.id}&status=actual&paidFrom=2026-06-01&paidTo=2026-06-30&limit=1`,
    );
    expect(paid.body.items.map((x: { id: string }) => x.id)).to.deep.equal([later.body.id]);
    const next = await finance.get(
      `/api/expenses?projectId=${project.id}&status=actual&paidFrom=2026-06-01&paidTo=2026-06-30&limit=1&cursor=${paid.body.nextCursor}`,
    );
    expect(next.body.items.map((x: { id: string }) => x.id)).to.deep.equal([r.body.id]);
    const byService = await finance.get(`/api/expenses?projectId=${project.id}&status=actual&sort=-incurredOn`);
    expect(byService.body.items.map((x: { id: string }) => x.id)).to.deep.equal([r.body.id, later.body.id]);
    const unpaidSort = await finance.get(`/api/expenses?projectId=${project.id}&sort=-paidOn`);
    expect(unpaidSort.status).to.equal(400);
    expect(unpaidSort.body.error.details[0].field).to.equal('sort');
  });

  it('when an invoice overspends a line, then 409; finance repeats with override[reason] and it is stored; a committed invoice is paid then cancelled', async () => {
    const finance = await signedIn('finance');
    const project = await createProject();
    await fundedGrant(finance, project.id, { facilitation: 5000 });
    const fields = { projectId: project.id, category: 'facilitation', amountCents: '6000', incurredOn: '2026-09-01' };
    const over = await invoice(finance, fields);
    expect(over.status).to.equal(409);
    expect(over.body.error.code).to.equal('budget_exceeded_requires_override');
    const ok = await invoice(finance, { ...fields, 'override[reason]': 'Animation prolongée, validée' });
    expect(ok.status, ok.text).to.equal(201);
    expect(ok.body.overridden).to.equal(true);
    expect(
      (await db()('audit_events').where({ record_id: ok.body.id, action: 'expense.created' }).first('reason_code'))
        .reason_code,
    ).to.equal('budget_override');
    const paid = await finance.post(`/api/expenses/${ok.body.id}/paid`, { paidOn: '2026-09-15' });
    expect(paid.body).to.include({ status: 'actual', paidOn: '2026-09-15' });
    const cancel = await finance.post(`/api/expenses/${ok.body.id}/cancel`, {});
    expect(cancel.body.status).to.equal('cancelled');
  });

  it('when a project is newly attached to a grant, then its existing expenses are re-split onto the grant', async () => {
    const finance = await signedIn('finance');
    const project = await createProject();
    const r = await invoice(finance, {
      projectId: project.id,
      category: 'catering',
      amountCents: '999',
      incurredOn: '2026-02-01',
    });
    expect(r.body.parts).to.deep.equal([{ ...r.body.parts[0], grantId: null, amountCents: 999 }]);
    const g = await fundedGrant(finance, null, { catering: 100_000 });
    const attach = await finance.patch(`/api/grants/${g.id}`, {
      version: g.version,
      projects: [{ projectId: project.id, shareBp: 5000 }],
    });
    expect(attach.status, attach.text).to.equal(200);
    const parts = await partsOf(r.body.id);
    expect(parts.map((p) => Number(p.amount_cents)).sort()).to.deep.equal([499, 500]);
    expect(parts.find((p) => p.grant_id === g.id)!.amount_cents).to.equal(500);
  });
});
