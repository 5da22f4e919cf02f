import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { addOneMonth } from '../../server/privacy/index.js';
import { addDays, localDay } from '../../server/shared/dates.js';

const today = () => localDay(new Date(), 'Europe/Paris');

describe('privacy requests: deadlines', () => {
  it('when a request is received, then it is due the same day of the next month, or that month’s last day', () => {
    expect(addOneMonth('2026-01-31')).to.equal('2026-02-28');
    expect(addOneMonth('2028-01-31')).to.equal('2028-02-29');
    expect(addOneMonth('2026-01-28')).to.equal('2026-02-28');
    expect(addOneMonth('2026-03-31')).to.equal('2026-04-30');
    expect(addOneMonth('2026-05-15')).to.equal('2026-06-15');
    expect(addOneMonth('2026-12-31')).to.equal('2027-01-31');
    expect(addOneMonth('2026-12-01')).to.equal('2027-01-01');
  });
});

describe('privacy requests (API)', () => {
  it('when staff record a request, then it is stored with its deadline and audited without the note', async () => {
    const staff = await signedIn('staff');
    const person = await createParticipant();
    const received = addDays(today(), -3);
    const r = await staff.post('/api/privacy/requests', {
      participantId: person.id,
      kind: 'erasure',
      receivedOn: received,
      channel: 'mail',
      note: `Courrier de ${person.last_name}`,
    });
    expect(r.status, r.text).to.equal(201);
    expect(r.body).to.include({
      participantId: person.id,
      participantReference: person.reference,
      kind: 'erasure',
      status: 'open',
      dueOn: addOneMonth(received),
      overdue: false,
    });
    expect(r.body.reference).to.match(/^D-\d{4}-\d{5}$/);
    const event = await ctx()
      .deps.db('audit_events')
      .where({ action: 'privacy_request.recorded', record_id: r.body.id })
      .first();
    expect(event.data).to.include({ kind: 'erasure', channel: 'mail' });
    expect(JSON.stringify(event)).to.not.include(person.last_name);
  });

  it('when the input is wrong, then 400 names the field and nothing is stored', async () => {
    const staff = await signedIn('staff');
    const person = await createParticipant();
    const count = async () => Number((await ctx().deps.db('privacy_requests').count({ n: '*' }))[0].n);
    const before = await count();
    const future = await staff.post('/api/privacy/requests', {
      participantId: person.id,
      kind: 'access',
      receivedOn: addDays(today(), 2),
      channel: 'mail',
    });
    expect(future.status).to.equal(400);
    expect(future.body.error.details[0].field).to.equal('receivedOn');
    const unknown = await staff.post('/api/privacy/requests', {
      participantId: '00000000-0000-4000-8000-000000000000',
      kind: 'access',
      receivedOn: today(),
      channel: 'mail',
    });
    expect(unknown.body.error.details[0].field).to.equal('participantId');
    const badKind = await staff.post('/api/privacy/requests', {
      participantId: person.id,
      kind: 'forget',
      receivedOn: '2026-02-30',
      channel: 'mail',
    });
    expect(badKind.body.error.details.map((d: { field: string }) => d.field)).to.include.members([
      'kind',
      'receivedOn',
    ]);
    expect(await count()).to.equal(before);
  });

  it('when requests are listed, then filters, due-date sorting and the overdue flag work', async () => {
    const dpo = await signedIn('dpo');
    const person = await createParticipant();
    const old = await dpo.post('/api/privacy/requests', {
      participantId: person.id,
      kind: 'objection',
      receivedOn: addDays(today(), -45),
      channel: 'phone',
    });
    const recent = await dpo.post('/api/privacy/requests', {
      participantId: person.id,
      kind: 'objection',
      receivedOn: addDays(today(), -1),
      channel: 'email',
    });
    const list = await dpo.get(
      `/api/privacy/requests?participantId=${person.id}&status=open&kind=objection&sort=dueOn`,
    );
    expect(list.status).to.equal(200);
    expect(list.body.items.map((r: { id: string }) => r.id)).to.deep.equal([old.body.id, recent.body.id]);
    expect(list.body.items[0].overdue).to.equal(true);
    expect(list.body.items[1].overdue).to.equal(false);
    const desc = await dpo.get(`/api/privacy/requests?participantId=${person.id}&sort=-dueOn&limit=1`);
    expect(desc.body.items[0].id).to.equal(recent.body.id);
    expect(desc.body.nextCursor).to.be.a('string');
    expect((await dpo.get('/api/privacy/requests?sort=name')).status).to.equal(400);
  });

  it('when the DPO completes a request, then it is closed once; staff cannot; an erasure outcome needs the erasure', async () => {
    const staff = await signedIn('staff');
    const dpo = await signedIn('dpo');
    const person = await createParticipant();
    const created = await staff.post('/api/privacy/requests', {
      participantId: person.id,
      kind: 'access',
      receivedOn: today(),
      channel: 'in_person',
    });
    const path = `/api/privacy/requests/${created.body.id}/complete`;
    expect((await staff.post(path, { outcomeCode: 'data_exported' })).status).to.equal(403);
    const notErased = await dpo.post(path, { outcomeCode: 'anonymised' });
    expect(notErased.status).to.equal(409);
    expect(notErased.body.error.code).to.equal('erasure_not_done');
    const done = await dpo.post(path, { outcomeCode: 'data_exported', outcomeNote: 'Courrier remis en main propre.' });
    expect(done.status).to.equal(200);
    expect(done.body).to.include({ status: 'completed', outcomeCode: 'data_exported', completedOn: today() });
    expect((await dpo.post(path, { outcomeCode: 'data_exported' })).status).to.equal(200);
    const other = await dpo.post(path, { outcomeCode: 'refused_unfounded' });
    expect(other.status).to.equal(409);
    expect(other.body.error.code).to.equal('request_already_closed');
    const refused = await dpo.post('/api/privacy/requests', {
      participantId: person.id,
      kind: 'rectification',
      receivedOn: today(),
      channel: 'mail',
    });
    expect(
      (
        await dpo.post(`/api/privacy/requests/${refused.body.id}/complete`, {
          outcomeCode: 'refused_identity_unverified',
        })
      ).body.status,
    ).to.equal('refused');
  });
});
