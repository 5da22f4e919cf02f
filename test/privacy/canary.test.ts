import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { createProject } from '../helpers/logistics.js';
import { SAMPLE_FILES } from '../helpers/documents.js';
import { createMailer, deliverDueEmails } from '../../server/notifications/index.js';
import { MILEAGE, TICKET } from '../claims/helpers.js';
import { payingSetup } from '../payments/helpers.js';
import { fundedGrant } from '../grants/helpers.js';
import { freshIban } from '../payees/ibans.js';
import { today } from '../consents/helpers.js';

// Issue 13, point 4, the canary: a person with one distinctive value in every field a user
// can type — through the API, as staff would — is erased; then, after VACUUM FULL, a logical
// dump of the whole database and every file the product wrote hold no trace of it beyond
// what docs/personal-data.md lists (nothing: physical residues such as WAL and backups are
// described there, not searched here). Needs pg_dump: a real server (@pg).

/** Every folder under the data directory the product writes to (mail folder included). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const ok = (r: { status: number; text: string }, status = 201) => expect(r.status, r.text).to.equal(status);

describe('erasure canary', () => {
  it("@pg when a person with a canary in every typed field is erased, then a dump after VACUUM FULL and the product's files hold no trace of it", async function () {
    this.timeout(300_000);
    const url = ctx().testDb.url;
    expect(url, 'the canary needs the PostgreSQL server (DATABASE_URL)').to.be.a('string');
    const canary = `canari${randomBytes(5).toString('hex')}`;
    const phone = `06${String(randomBytes(4).readUInt32BE()).padStart(8, '0').slice(0, 8)}`;
    const guardianPhone = `07${String(randomBytes(4).readUInt32BE()).padStart(8, '0').slice(0, 8)}`;
    const iban = freshIban();

    const s = await payingSetup();
    const dpo = await signedIn('dpo');
    await fundedGrant(s.finance, s.project.id, { mileage: 100, transport: 100 });

    // The person, every typed field carrying the canary (phones cannot: they are checked numbers).
    const p = await s.staff.post('/api/participants', {
      firstName: `Prénom${canary}`,
      lastName: `Nom${canary}`,
      email: `${canary}@exemple.fr`,
      phone,
      addressLine1: `12 rue ${canary}`,
      addressLine2: `Bâtiment ${canary}`,
      postalCode: '26000',
      communeInsee: '26362',
      preferredChannel: 'email',
      isMinor: true,
      guardianName: `Tuteur ${canary}`,
      guardianEmail: `tuteur.${canary}@exemple.fr`,
      guardianPhone,
      guardianConsentOn: today(),
    });
    ok(p);
    const id = p.body.id as string;
    const evidence = Buffer.concat([SAMPLE_FILES.pdf, Buffer.from(`% signé par ${canary}`)]);
    ok(
      await s.staff.upload(
        'POST',
        `/api/participants/${id}/consents`,
        { purposeCode: 'contact', channel: 'paper', givenOn: today() },
        { field: 'evidence', name: `consentement-${canary}.pdf`, bytes: evidence, type: 'application/pdf' },
      ),
    );
    ok(
      await s.staff.post(`/api/participants/${id}/consents`, {
        purposeCode: 'needs',
        channel: 'paper',
        givenOn: today(),
      }),
    );
    ok(await s.staff.patch(`/api/participants/${id}`, { needs: ['other'], needsNote: `Besoin ${canary}` }), 200);
    ok(
      await s.staff.post(`/api/participants/${id}/payees`, {
        kind: 'legal_representative',
        name: `Payeur ${canary}`,
        iban,
      }),
    );
    const access = await s.staff.post('/api/privacy/requests', {
      participantId: id,
      kind: 'access',
      receivedOn: today(),
      channel: 'mail',
      note: `Lettre de ${canary}`,
    });
    ok(access);
    ok(
      await dpo.post(`/api/privacy/requests/${access.body.id}/complete`, {
        outcomeCode: 'answered',
        outcomeNote: `Réponse à ${canary}`,
      }),
      200,
    );
    const erasure = await s.staff.post('/api/privacy/requests', {
      participantId: id,
      kind: 'erasure',
      receivedOn: today(),
      channel: 'email',
      note: `Effacez ${canary}`,
    });
    ok(erasure);

    // Invitations beyond the solicitation limit, with the override reason.
    const project = await createProject({ solicitationLimit: 1 });
    const sessions: string[] = [];
    for (const day of ['2030-01-10', '2030-01-17']) {
      const r = await s.staff.post('/api/sessions', {
        projectId: project.id,
        title: 'Atelier du canari',
        kind: 'workshop',
        capacity: 10,
        startsAt: `${day}T14:00:00+01:00`,
        endsAt: `${day}T16:00:00+01:00`,
      });
      ok(r);
      sessions.push(r.body.id);
    }
    ok(await s.staff.post(`/api/sessions/${sessions[0]}/invitations`, { participantIds: [id] }), 200);
    ok(
      await s.staff.post(`/api/sessions/${sessions[1]}/invitations`, {
        participantIds: [id],
        override: { reason: `Invitée quand même : ${canary}` },
      }),
      200,
    );

    // A claim for a session the person did not attend (override reason), with a receipt,
    // decided by finance over the budget (override reason on the expense), with line and
    // decision notes, then cancelled with a note: nothing is owed, so erasure anonymises.
    const decided = await s.staff.post('/api/claims', {
      participantId: id,
      sessionIds: [s.sessionId],
      lines: [MILEAGE, TICKET(450)],
      override: { reason: `Absente mais venue : ${canary}` },
    });
    ok(decided);
    const receipt = Buffer.concat([SAMPLE_FILES.pdf, Buffer.from(`% ticket de ${canary}`)]);
    ok(
      await s.staff.upload(
        'POST',
        `/api/claims/${decided.body.id}/receipts`,
        { amountCents: '450', lineId: decided.body.lines[1].id },
        { field: 'file', name: `ticket-${canary}.pdf`, bytes: receipt, type: 'application/pdf' },
      ),
    );
    ok(await s.staff.post(`/api/claims/${decided.body.id}/submit`), 200);
    const lines = decided.body.lines.map((l: { id: string; eligibleCents: number }) => ({
      lineId: l.id,
      grantedCents: l.eligibleCents,
      reasonCode: 'other',
      reasonNote: `Ligne de ${canary}`,
    }));
    ok(
      await s.finance.post(`/api/claims/${decided.body.id}/decision`, {
        lines,
        note: `Décision pour ${canary}`,
        override: { reason: `Budget dépassé pour ${canary}` },
      }),
      200,
    );
    expect(
      (await ctx().deps.db('expenses').where({ claim_id: decided.body.id }).pluck('override_reason'))[0],
    ).to.include(canary);
    ok(await s.staff.post(`/api/claims/${decided.body.id}/cancel`, { reasonNote: `Annulée pour ${canary}` }), 200);
    // A draft and a submitted claim, which erasure cancels.
    const draft = await s.staff.post('/api/claims', {
      participantId: id,
      sessionIds: [s.sessionId],
      lines: [MILEAGE],
      override: { reason: `Brouillon ${canary}` },
    });
    ok(draft);
    ok(
      await s.staff.upload(
        'POST',
        `/api/claims/${draft.body.id}/receipts`,
        { amountCents: '100' },
        {
          field: 'file',
          name: `brouillon-${canary}.pdf`,
          bytes: Buffer.concat([SAMPLE_FILES.pdf, Buffer.from(`% ${canary}`)]),
          type: 'application/pdf',
        },
      ),
    );
    const submitted = await s.staff.post('/api/claims', {
      participantId: id,
      sessionIds: [s.sessionId],
      lines: [MILEAGE],
      submit: true,
      override: { reason: `Déposée ${canary}` },
    });
    ok(submitted);

    // The messages go out as .eml files in the mail folder (no SMTP in tests).
    const mailer = createMailer(ctx().deps.config);
    try {
      for (let i = 0; i < 20; i++) if ((await deliverDueEmails(ctx().deps, mailer.send, 500)).delivered === 0) break;
    } finally {
      mailer.close();
    }
    const dataDir = ctx().deps.config.dataDir;
    const needles = [canary, phone, guardianPhone, iban];
    const holding = (needle: string) =>
      filesUnder(dataDir).filter((f) =>
        fs.readFileSync(f).toString('latin1').toLowerCase().includes(needle.toLowerCase()),
      );
    expect(holding(canary), 'the mail folder holds the messages before erasure').to.not.be.empty;
    const dump = () =>
      execFileSync('pg_dump', ['--data-only', '--no-owner', '--dbname', url!], {
        maxBuffer: 1 << 30,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
        .toString('utf8')
        .toLowerCase();
    expect(dump()).to.include(canary);
    // The stored, folded copies the participants search reads hold the names and contacts too
    // (the phone's digits without spaces): the erasure must reach them like the rest.
    const copies = await ctx().deps.db('participants').where({ id }).first('sort_name', 'search_contact');
    expect(copies.sort_name).to.include(canary);
    expect(copies.search_contact).to.include(canary).and.include(phone);

    const r = await dpo.post(`/api/participants/${id}/erase`, {
      reasonCode: 'erasure_request',
      requestId: erasure.body.id,
    });
    ok(r, 200);
    expect(r.body).to.include({ outcome: 'anonymised' });
    const claims = await ctx()
      .deps.db('claims')
      .whereIn('id', [draft.body.id, submitted.body.id])
      .pluck('decision_reason_code');
    expect(claims).to.deep.equal(['effacement', 'effacement']);

    await ctx().deps.db.raw('VACUUM FULL');
    const after = dump();
    const traces = needles.flatMap((n) =>
      after
        .split('\n')
        .filter((line) => line.includes(n.toLowerCase()))
        .map((line) => `${n}: ${line.slice(0, 200)}`),
    );
    // docs/personal-data.md lists what may remain in the database: nothing.
    expect(traces, 'rows still holding the canary').to.deep.equal([]);
    expect(
      needles.flatMap((n) => holding(n)),
      'files of the product still holding the canary',
    ).to.deep.equal([]);
  });
});
