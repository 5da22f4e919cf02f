import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn, createParticipant, createUser } from '../helpers/factories.js';
import { rowCounts } from '../helpers/routes.js';
import { SAMPLE_FILES } from '../helpers/documents.js';
import { today, daysFromToday, addMonths, auditActions } from './helpers.js';

describe('consents: recording', () => {
  it('when a consent is recorded as JSON without evidence, then it copies the purpose’s text version and legal basis and expires after its validity', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const purposes = (await staff.get('/api/consent-purposes')).body.items;
    const needs = purposes.find((p: { code: string }) => p.code === 'needs');
    const givenOn = daysFromToday(-3);
    const r = await staff.post(`/api/participants/${participant.id}/consents`, {
      purposeCode: 'needs',
      channel: 'paper',
      givenOn,
    });
    expect(r.status).to.equal(201);
    expect(r.body.supersededConsentId).to.equal(null);
    expect(r.body.consent).to.include({
      purposeCode: 'needs',
      legalBasis: needs.legalBasis,
      textVersion: needs.textVersion,
      channel: 'paper',
      givenOn,
      status: 'live',
      hasEvidence: false,
      witnessUserId: null,
    });
    expect(r.body.consent.expiresOn).to.equal(addMonths(givenOn, needs.validityMonths));
    const contact = await staff.post(`/api/participants/${participant.id}/consents`, {
      purposeCode: 'contact',
      channel: 'online',
      givenOn: today(),
    });
    expect(contact.body.consent.expiresOn).to.equal(null); // no validity limit for this purpose
    expect(await auditActions(r.body.consent.id)).to.deep.equal(['consent.recorded']);
    const event = await ctx().deps.db('audit_events').where({ record_id: r.body.consent.id }).first();
    expect(event.data).to.include({ participantId: participant.id, purposeCode: 'needs' });
  });

  it('when a PDF evidence is sent as multipart, then it is stored and staff can read it back (audited); a project lead cannot', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const r = await staff.upload(
      'POST',
      `/api/participants/${participant.id}/consents`,
      { purposeCode: 'media', channel: 'paper', givenOn: today() },
      { field: 'evidence', name: 'formulaire signé.pdf', bytes: SAMPLE_FILES.pdf, type: 'application/pdf' },
    );
    expect(r.status).to.equal(201);
    expect(r.body.consent.hasEvidence).to.equal(true);
    const id = r.body.consent.id;
    const file = await fetch(`${ctx().baseUrl}/api/consents/${id}/evidence`, {
      headers: { cookie: [...staff.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(file.status).to.equal(200);
    expect(file.headers.get('content-type')).to.equal('application/pdf');
    expect(file.headers.get('content-disposition'))
      .to.include(participant.reference)
      .and.not.include('formulaire signé');
    expect(Buffer.from(await file.arrayBuffer()).equals(SAMPLE_FILES.pdf)).to.equal(true);
    expect(await auditActions(id)).to.deep.equal(['consent.recorded', 'consent.evidence_read']);
    const lead = await signedIn('project_lead');
    expect((await lead.get(`/api/consents/${id}/evidence`)).status).to.equal(403);
    const jpeg = await staff.upload(
      'POST',
      `/api/participants/${participant.id}/consents`,
      { purposeCode: 'future_solicitation', channel: 'paper', givenOn: today() },
      { field: 'evidence', name: 'scan.jpg', bytes: SAMPLE_FILES.jpeg },
    );
    expect(jpeg.status).to.equal(201);
  });

  it('when the evidence is an executable renamed .pdf, then 400 names evidence and nothing is stored', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const before = await rowCounts(['web_sessions']);
    const r = await staff.upload(
      'POST',
      `/api/participants/${participant.id}/consents`,
      { purposeCode: 'contact', channel: 'paper', givenOn: today() },
      { field: 'evidence', name: 'formulaire.pdf', bytes: SAMPLE_FILES.executable, type: 'application/pdf' },
    );
    expect(r.status).to.equal(400);
    expect(r.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(['evidence']);
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });

  it('when the evidence weighs 20 MB, then 413 names evidence and nothing is stored', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const before = await rowCounts(['web_sessions']);
    const big = Buffer.concat([SAMPLE_FILES.pdf, Buffer.alloc(20 * 1024 * 1024, 0x20)]);
    const r = await staff.upload(
      'POST',
      `/api/participants/${participant.id}/consents`,
      { purposeCode: 'contact', channel: 'paper', givenOn: today() },
      { field: 'evidence', name: 'gros.pdf', bytes: big },
    );
    expect(r.status).to.equal(413);
    expect(r.body.error.details[0].field).to.equal('evidence');
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });

  it('when an oral consent has no witness or a witness who is not active staff, then 400 names witnessUserId; with a staff witness it is recorded', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const path = `/api/participants/${participant.id}/consents`;
    const none = await staff.post(path, { purposeCode: 'contact', channel: 'oral', givenOn: today() });
    expect(none.status).to.equal(400);
    expect(none.body.error.details).to.deep.equal([
      { field: 'witnessUserId', message: 'obligatoire pour un accord oral : le membre du personnel qui en est témoin' },
    ]);
    const finance = await createUser({ roles: ['finance'] });
    const formerStaff = await createUser({ roles: ['staff'], active: false });
    for (const witness of [finance.id, formerStaff.id, '00000000-0000-4000-8000-000000000000']) {
      const r = await staff.post(path, {
        purposeCode: 'contact',
        channel: 'oral',
        givenOn: today(),
        witnessUserId: witness,
      });
      expect(r.status).to.equal(400);
      expect(r.body.error.details[0].field).to.equal('witnessUserId');
    }
    const witness = await createUser({ roles: ['staff'], name: 'Témoin Agent' });
    const ok = await staff.post(path, {
      purposeCode: 'contact',
      channel: 'oral',
      givenOn: today(),
      witnessUserId: witness.id,
    });
    expect(ok.status).to.equal(201);
    expect(ok.body.consent).to.include({ witnessUserId: witness.id, witnessName: 'Témoin Agent', channel: 'oral' });
  });

  it('when the purpose is unknown or inactive, or the date is in the future, then 400 names the field and nothing is stored', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const path = `/api/participants/${participant.id}/consents`;
    const before = await rowCounts(['web_sessions']);
    const unknown = await staff.post(path, { purposeCode: 'horoscope', channel: 'paper', givenOn: today() });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.details).to.deep.equal([
      { field: 'purposeCode', message: 'finalité inconnue ou désactivée' },
    ]);
    expect(
      (await staff.post(path, { purposeCode: 'Pas Un Code', channel: 'paper', givenOn: today() })).body.error.details[0]
        .field,
    ).to.equal('purposeCode');
    const future = await staff.post(path, { purposeCode: 'contact', channel: 'paper', givenOn: daysFromToday(2) });
    expect(future.body.error.details).to.deep.equal([{ field: 'givenOn', message: 'ne peut pas être dans le futur' }]);
    const expiry = await staff.post(path, {
      purposeCode: 'contact',
      channel: 'paper',
      givenOn: today(),
      expiresOn: today(),
    });
    expect(expiry.body.error.details[0].field).to.equal('expiresOn');
    expect(
      (await staff.post(path, { purposeCode: 'contact', channel: 'carrier_pigeon', givenOn: today() })).body.error
        .details[0].field,
    ).to.equal('channel');
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
    await ctx().deps.db('consent_purposes').where({ code: 'future_solicitation' }).update({ active: false });
    try {
      const inactive = await staff.post(path, {
        purposeCode: 'future_solicitation',
        channel: 'paper',
        givenOn: today(),
      });
      expect(inactive.body.error.details[0].field).to.equal('purposeCode');
    } finally {
      await ctx().deps.db('consent_purposes').where({ code: 'future_solicitation' }).update({ active: true });
    }
    const lead = await signedIn('project_lead');
    expect((await lead.post(path, { purposeCode: 'contact', channel: 'paper', givenOn: today() })).status).to.equal(
      403,
    );
  });

  it('when a purpose already has a consent, then the new one supersedes it in the same transaction; an older one is refused', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const path = `/api/participants/${participant.id}/consents`;
    const first = await staff.post(path, { purposeCode: 'contact', channel: 'paper', givenOn: daysFromToday(-30) });
    const second = await staff.post(path, { purposeCode: 'contact', channel: 'online', givenOn: daysFromToday(-1) });
    expect(second.status).to.equal(201);
    expect(second.body.supersededConsentId).to.equal(first.body.consent.id);
    const older = await staff.post(path, { purposeCode: 'contact', channel: 'paper', givenOn: daysFromToday(-60) });
    expect(older.status).to.equal(400);
    expect(older.body.error.details[0].field).to.equal('givenOn');
    const history = (await staff.get(path)).body.items;
    expect(history.map((c: { id: string; status: string }) => [c.id, c.status])).to.deep.equal([
      [second.body.consent.id, 'live'],
      [first.body.consent.id, 'superseded'],
    ]);
    expect(history[1].supersededBy).to.equal(second.body.consent.id);
    const auditor = await signedIn('auditor');
    expect((await auditor.get(path)).status).to.equal(200);
    const stale = await staff.post(`${path}/${first.body.consent.id}/withdraw`, { channel: 'paper' });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.code).to.equal('consent_superseded');
  });

  it('@pg when five consents for one purpose arrive at once, then all are recorded and exactly one stays live, the others superseded in a chain', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant();
    const path = `/api/participants/${participant.id}/consents`;
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => staff.post(path, { purposeCode: 'contact', channel: 'paper', givenOn: today() })),
    );
    expect(replies.map((r) => r.status)).to.deep.equal([201, 201, 201, 201, 201]);
    const rows = await ctx()
      .deps.db('consents')
      .where({ participant_id: participant.id })
      .select('id', 'superseded_by');
    expect(rows.filter((r) => r.superseded_by === null)).to.have.length(1);
    expect(new Set(rows.map((r) => r.superseded_by).filter(Boolean)).size).to.equal(4);
  });
});
