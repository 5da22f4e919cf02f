import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { createProject } from '../helpers/logistics.js';
import { approvedClaim, attendee, download, exportedBatch, payingSetup } from '../payments/helpers.js';

const db = () => ctx().deps.db;
const DAY = 86_400_000;
type Item = { participantId: string; status: string };
const statuses = (items: Item[]) => Object.fromEntries(items.map((i) => [i.participantId, i.status]));

/** The presence file of a claim's evidence bundle, read with `unzip` as a person would. */
async function presenceInBundle(client: Parameters<typeof download>[0], claimId: string): Promise<string> {
  const res = await download(client, `/api/claims/${claimId}/evidence.zip`);
  expect(res.status).to.equal(200);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-presence-'));
  try {
    fs.writeFileSync(path.join(dir, 'b.zip'), res.bytes);
    return execFileSync('unzip', ['-p', path.join(dir, 'b.zip'), 'presence.txt'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A session (relative to now) with `n` invited people. */
async function sessionWith(n: number, startsInDays: number) {
  const staff = await signedIn('staff');
  const project = await createProject();
  const start = new Date(Date.now() + startsInDays * DAY);
  const s = await staff.post('/api/sessions', {
    projectId: project.id,
    title: 'Atelier preuve',
    kind: 'workshop',
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 3 * 3600_000).toISOString(),
    capacity: 20,
  });
  expect(s.status, s.text).to.equal(201);
  const people = [];
  for (let i = 0; i < n; i++)
    people.push(await createParticipant({ firstName: 'Awa', lastName: `Témoin${i}`, contactConsent: true }));
  if (n)
    expect(
      (await staff.post(`/api/sessions/${s.body.id}/invitations`, { participantIds: people.map((p) => p.id) })).status,
    ).to.equal(200);
  return { staff, sessionId: s.body.id as string, people };
}

describe('attendance is evidence', () => {
  it('when a partial list is PUT after ten people were marked, then only the listed person changes and the nine others keep their mark', async () => {
    const { staff, sessionId, people } = await sessionWith(10, -1);
    const all = await staff.put(`/api/sessions/${sessionId}/attendance`, {
      entries: people.map((p) => ({ participantId: p.id, status: 'attended' })),
    });
    expect(all.status, all.text).to.equal(200);
    const partial = await staff.put(`/api/sessions/${sessionId}/attendance`, {
      entries: [{ participantId: people[0].id, status: 'absent_excused' }],
    });
    expect(partial.status, partial.text).to.equal(200);
    const after = statuses(partial.body.items);
    expect(after[people[0].id]).to.equal('absent_excused');
    for (const p of people.slice(1)) expect(after[p.id]).to.equal('attended');
    const rows = await db()('session_participants').where({ session_id: sessionId }).select('participant_id', 'status');
    expect(rows.filter((r) => r.status === 'attended')).to.have.length(9);
    expect(rows.some((r) => r.status === 'invited')).to.equal(false);
  });

  it('when one person is marked through PUT …/attendance/{participantId}, then only that person changes, a walk-in is added, DELETE removes a mark, and each change is audited', async () => {
    const { staff, sessionId, people } = await sessionWith(2, -1);
    const walkIn = await createParticipant();
    expect(
      (await staff.put(`/api/sessions/${sessionId}/attendance/${people[0].id}`, { status: 'attended' })).status,
    ).to.equal(200);
    const added = await staff.put(`/api/sessions/${sessionId}/attendance/${walkIn.id}`, { status: 'attended' });
    expect(added.status, added.text).to.equal(200);
    expect(statuses(added.body.items)).to.deep.equal({
      [people[0].id]: 'attended',
      [people[1].id]: 'invited',
      [walkIn.id]: 'attended',
    });
    const removed = await staff.request('DELETE', `/api/sessions/${sessionId}/attendance/${walkIn.id}`, { json: {} });
    expect(removed.status, removed.text).to.equal(200);
    expect(statuses(removed.body.items)).to.deep.equal({ [people[0].id]: 'attended', [people[1].id]: 'invited' });
    const bad = await staff.put(`/api/sessions/${sessionId}/attendance/${people[1].id}`, { status: 'invited' });
    expect(bad.status).to.equal(400);
    const audit = await db()('audit_events')
      .where({ action: 'session.attendance_changed', record_id: sessionId })
      .select('data');
    expect(audit.map((a) => [a.data.participantId, a.data.to])).to.have.deep.members([
      [people[0].id, 'attended'],
      [walkIn.id, 'attended'],
      [walkIn.id, null],
    ]);
  });

  it('when the presence behind a paid claim is changed or removed, then 409 attendance_behind_claim names the claim, nothing changes and the evidence bundle still says present', async function () {
    this.timeout(60_000); // a claim taken through decision (and payment) on a shared machine
    const s = await payingSetup();
    const a = await attendee(s, { firstName: 'Zoé', lastName: 'Preuve' });
    const other = await attendee(s);
    const claim = await approvedClaim(s, a.id);
    const batch = await exportedBatch(s, [claim.id]);
    expect((await s.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {})).status).to.equal(200);
    expect((await db()('claims').where({ id: claim.id }).first('status')).status).to.equal('paid');

    const one = await s.staff.put(`/api/sessions/${s.sessionId}/attendance/${a.id}`, { status: 'absent' });
    expect(one.status, one.text).to.equal(409);
    expect(one.body.error.code).to.equal('attendance_behind_claim');
    expect(one.body.error.message)
      .to.include(claim.reference)
      .and.include('Zoé Preuve')
      .and.include('payée')
      .and.include('Annulez ou rejetez');
    const gone = await s.staff.request('DELETE', `/api/sessions/${s.sessionId}/attendance/${a.id}`, { json: {} });
    expect(gone.status).to.equal(409);
    expect(gone.body.error.message).to.include(claim.reference);
    // In bulk, all or nothing: the other person's change is not saved either.
    const bulk = await s.staff.put(`/api/sessions/${s.sessionId}/attendance`, {
      entries: [
        { participantId: other.id, status: 'absent' },
        { participantId: a.id, status: 'absent_excused' },
      ],
    });
    expect(bulk.status).to.equal(409);
    expect(bulk.body.error.details).to.deep.include({
      field: 'entries.1.participantId',
      message: bulk.body.error.message,
    });
    const rows = await db()('session_participants')
      .where({ session_id: s.sessionId })
      .whereIn('participant_id', [a.id, other.id])
      .select('participant_id', 'status');
    expect(statuses(rows.map((r) => ({ participantId: r.participant_id, status: r.status })))).to.deep.equal({
      [a.id]: 'attended',
      [other.id]: 'attended',
    });
    const presence = await presenceInBundle(s.staff, claim.id);
    expect(presence).to.include('Présente').and.not.include('non enregistrée');
  });

  it('when the claim behind a presence is a draft, cancelled or rejected, then the presence can change; when it is submitted or approved, it cannot', async function () {
    this.timeout(60_000); // a claim taken through decision (and payment) on a shared machine
    const s = await payingSetup();
    const blocked: string[] = [];
    for (const status of ['draft', 'cancelled', 'rejected', 'submitted', 'approved', 'in_batch']) {
      const p = await attendee(s, { iban: false });
      const [c] = await db()('claims')
        .insert({
          participant_id: p.id,
          project_id: s.project.id,
          departure_at: new Date('2026-03-12T12:00:00Z'),
          return_at: new Date('2026-03-12T18:00:00Z'),
          status,
          decided_at: ['rejected', 'approved', 'in_batch'].includes(status) ? new Date() : null,
          cancelled_at: status === 'cancelled' ? new Date() : null,
        })
        .returning(['id', 'reference']);
      await db()('claim_sessions').insert({ claim_id: c.id, session_id: s.sessionId });
      const r = await s.staff.put(`/api/sessions/${s.sessionId}/attendance/${p.id}`, { status: 'absent' });
      if (r.status === 409) {
        expect(r.body.error.message).to.include(c.reference);
        blocked.push(status);
      } else expect(r.status, r.text).to.equal(200);
    }
    expect(blocked).to.deep.equal(['submitted', 'approved', 'in_batch']);
  });

  it('when someone is marked present 14 days ahead (per person, in bulk, as a walk-in), then 409 session_not_started and no mark is written; invitations and replies stay open', async () => {
    const { staff, sessionId, people } = await sessionWith(2, 14);
    const walkIn = await createParticipant();
    const one = await staff.put(`/api/sessions/${sessionId}/attendance/${people[0].id}`, { status: 'attended' });
    expect(one.status).to.equal(409);
    expect(one.body.error.code).to.equal('session_not_started');
    expect(one.body.error.message).to.include('Awa Témoin0').and.include('pas encore commencé');
    const bulk = await staff.put(`/api/sessions/${sessionId}/attendance`, {
      entries: [{ participantId: people[1].id, status: 'absent' }],
    });
    expect(bulk.body.error.code).to.equal('session_not_started');
    expect(
      (await staff.put(`/api/sessions/${sessionId}/attendance/${walkIn.id}`, { status: 'attended' })).body.error.code,
    ).to.equal('session_not_started');
    const more = await createParticipant({ contactConsent: true });
    expect((await staff.post(`/api/sessions/${sessionId}/invitations`, { participantIds: [more.id] })).status).to.equal(
      200,
    );
    expect(
      (await staff.post(`/api/sessions/${sessionId}/replies`, { participantId: people[0].id, status: 'confirmed' }))
        .status,
    ).to.equal(200);
    const rows = await db()('session_participants')
      .where({ session_id: sessionId })
      .select('status', 'attendance_recorded_at');
    expect(rows.map((r) => r.status).sort()).to.deep.equal(['confirmed', 'invited', 'invited']);
    expect(rows.every((r) => r.attendance_recorded_at === null)).to.equal(true);
    expect((await staff.post(`/api/sessions/${sessionId}/held`)).body.error.code).to.equal('attendance_missing');
  });

  it('when a session has not started, then the attendance page offers no marks and says why; a posted form is refused with a French message', async () => {
    const { staff, sessionId, people } = await sessionWith(1, 14);
    const page = await staff.get(`/sessions/${sessionId}/attendance`);
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.include('n’a pas encore commencé')
      .and.include('Témoin0')
      .and.not.include(`name="status_${people[0].id}"`);
    const posted = await staff.postForm(`/sessions/${sessionId}/attendance`, {
      [`status_${people[0].id}`]: 'attended',
    });
    expect(posted.status).to.equal(303);
    const after = await staff.get(`/sessions/${sessionId}/attendance`);
    expect(after.text).to.include('la présence de Awa Témoin0 ne peut être enregistrée qu’à partir de son début');
    expect((await db()('session_participants').where({ session_id: sessionId }).first('status')).status).to.equal(
      'invited',
    );
  });

  it('when the attendance page saves a form where one person holds a live claim, then the others are saved and the message names the person and the claim; the locked row shows the claim', async function () {
    this.timeout(60_000); // a claim taken through decision (and payment) on a shared machine
    const s = await payingSetup();
    const a = await attendee(s, { firstName: 'Zoé', lastName: 'Verrou' });
    const b = await attendee(s);
    const claim = await approvedClaim(s, a.id);
    const page = await s.staff.get(`/sessions/${s.sessionId}/attendance`);
    expect(page.text)
      .to.include(`présence justifiant la demande ${claim.reference} (acceptée)`)
      .and.include(`name="status_${b.id}"`);
    expect(page.text).not.to.include(`name="status_${a.id}"`);
    // A crafted post for the locked person still goes through the rule.
    const posted = await s.staff.postForm(`/sessions/${s.sessionId}/attendance`, {
      [`status_${a.id}`]: '',
      [`status_${b.id}`]: 'absent',
    });
    expect(posted.status).to.equal(303);
    expect(posted.headers.get('location')).to.equal(`/sessions/${s.sessionId}/attendance`);
    const after = await s.staff.get(`/sessions/${s.sessionId}/attendance`);
    expect(after.text)
      .to.include('1 personne(s) modifiée(s).')
      .and.include('La présence de Zoé Verrou justifie la demande')
      .and.include(claim.reference);
    const rows = await db()('session_participants')
      .where({ session_id: s.sessionId })
      .whereIn('participant_id', [a.id, b.id])
      .select('participant_id', 'status');
    expect(statuses(rows.map((r) => ({ participantId: r.participant_id, status: r.status })))).to.deep.equal({
      [a.id]: 'attended',
      [b.id]: 'absent',
    });
  });
});
