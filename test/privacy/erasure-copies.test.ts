import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { systemActing } from '../../server/shared/acting.js';
import { settingsLoader } from '../../server/settings/index.js';
import { signedIn, giveContactConsent } from '../helpers/factories.js';
import { createMailer, deliverDueEmails } from '../../server/notifications/index.js';
import { mailFileName } from '../../server/shared/mail-folder.js';
import { anonymiseParticipants } from '../../server/privacy/lifecycle.js';
import { MILEAGE } from '../claims/helpers.js';
import { attendee, exportedBatch, payingSetup, type PaySetup } from '../payments/helpers.js';
import { fundedGrant } from '../grants/helpers.js';
import { participantRow, runRetention } from './helpers.js';

// Issue 13, point 4: erasure reaches every copy — free text on the records linked to the
// person (the reason finance gives for exceeding a budget line), the .eml copies of the
// messages in the mail folder, and the claims still open (docs/domain.md#erasure-and-withdrawal).

const db = () => ctx().deps.db;
const tag = () => randomBytes(4).toString('hex');
const ok = (r: { status: number; text: string }, status: number) => expect(r.status, r.text).to.equal(status);

/** Writes every due e-mail as an .eml file in the app's mail folder (the embedded default without SMTP). */
async function deliverToMailFolder() {
  const mailer = createMailer(ctx().deps.config);
  try {
    for (let i = 0; i < 20; i++) {
      const { delivered, failed } = await deliverDueEmails(ctx().deps, mailer.send, 500);
      if (delivered + failed === 0) break;
    }
  } finally {
    mailer.close();
  }
}

/** The paths of the .eml files of a person's messages. */
async function mailFilesOf(participantId: string): Promise<string[]> {
  const ids = await db()('outbox_messages')
    .where({ participant_id: participantId, channel: 'email' })
    .pluck('message_id');
  return (ids as string[]).map((id) => path.join(ctx().deps.config.mailDir, mailFileName(id)));
}

/** A claim entered by staff for the setup's session, left as a draft or submitted. */
async function openClaim(s: PaySetup, participantId: string, submit: boolean) {
  const c = await s.staff.post('/api/claims', { participantId, sessionIds: [s.sessionId], lines: [MILEAGE], submit });
  expect(c.status, c.text).to.equal(201);
  return c.body.id as string;
}

describe('erasure reaches every copy', () => {
  it('when a person with a draft and a submitted claim is erased, then both are cancelled with reason "effacement", the person is anonymised and nothing is left to pay', async () => {
    const s = await payingSetup();
    const person = await attendee(s, { lastName: `Brouillon${tag()}` });
    const draft = await openClaim(s, person.id, false);
    const submitted = await openClaim(s, person.id, true);
    const dpo = await signedIn('dpo');
    const r = await dpo.post(`/api/participants/${person.id}/erase`, { reasonCode: 'erasure_request' });
    expect(r.status, r.text).to.equal(200);
    expect(r.body).to.include({ status: 'anonymised', outcome: 'anonymised' });
    const claims = await db()('claims')
      .whereIn('id', [draft, submitted])
      .orderBy('created_at')
      .select('id', 'status', 'decision_reason_code', 'cancelled_at');
    expect(claims.map((c) => [c.status, c.decision_reason_code])).to.deep.equal([
      ['cancelled', 'effacement'],
      ['cancelled', 'effacement'],
    ]);
    for (const id of [draft, submitted]) {
      const audit = await db()('audit_events')
        .where({ action: 'claim.cancelled', record_id: id })
        .first('reason_code', 'actor_user_id');
      expect(audit).to.deep.equal({ reason_code: 'effacement', actor_user_id: dpo.user.id });
    }
    expect(
      await db()('claims')
        .where({ participant_id: person.id })
        .whereIn('status', ['approved', 'partially_approved', 'in_batch'])
        .count({ n: '*' })
        .then((x) => Number(x[0].n)),
    ).to.equal(0);
    // The staff page of the claim says why it was cancelled.
    const page = await s.staff.get(`/claims/${submitted}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Annulée').and.include('effacement');
  });

  it('when a person with an approved claim whose expense carries a budget override reason is erased, then they are archived, the claim stays payable and the override reason is erased', async () => {
    const s = await payingSetup();
    await fundedGrant(s.finance, s.project.id, { mileage: 100 });
    const person = await attendee(s, { lastName: `Depasse${tag()}` });
    const reason = `Dépassement accordé pour ${person.last_name}, hébergée chez sa sœur`;
    const c = await s.staff.post('/api/claims', {
      participantId: person.id,
      sessionIds: [s.sessionId],
      lines: [MILEAGE],
      submit: true,
    });
    expect(c.status, c.text).to.equal(201);
    const decision = {
      lines: c.body.lines.map((l: { id: string; eligibleCents: number }) => ({
        lineId: l.id,
        grantedCents: l.eligibleCents,
      })),
      override: { reason },
    };
    const d = await s.finance.post(`/api/claims/${c.body.id}/decision`, decision);
    expect(d.status, d.text).to.equal(200);
    expect((await db()('expenses').where({ claim_id: c.body.id }).first('override_reason')).override_reason).to.equal(
      reason,
    );

    const dpo = await signedIn('dpo');
    const r = await dpo.post(`/api/participants/${person.id}/erase`, { reasonCode: 'erasure_request' });
    expect(r.status, r.text).to.equal(200);
    // docs/domain.md#erasure-and-withdrawal: an approved claim is owed: the person is archived (GDPR art. 17(3)(b)), not anonymised.
    expect(r.body).to.include({ status: 'archived', outcome: 'archived' });
    expect((await participantRow(person.id)).status).to.equal('archived');
    expect((await db()('claims').where({ id: c.body.id }).first('status')).status).to.equal('approved');
    // What paying it needs stays in the archive: the name and the bank details.
    expect(await participantRow(person.id)).to.include({ last_name: person.last_name });
    expect(
      (await db()('payees').where({ participant_id: person.id }).first('iban_ciphertext')).iban_ciphertext,
    ).to.be.a('string');
    const expense = await db()('expenses')
      .where({ claim_id: c.body.id })
      .first('override_reason', 'amount_cents', 'status');
    expect(expense).to.deep.equal({ override_reason: null, amount_cents: expense.amount_cents, status: 'committed' });
    expect(Number(expense.amount_cents)).to.be.greaterThan(0);
    expect(r.body.erased.expenses).to.deep.equal({ free_text: 1 });
    // What is owed is still paid: finance batches, exports and pays the archived person's claim.
    // (Another finance officer: the one who decided may not also pay, separation of duties.)
    const payer = { ...s, finance: await signedIn('finance') };
    const batch = await exportedBatch(payer, [c.body.id]);
    ok(await payer.finance.post(`/api/payment-batches/${batch.id}/mark-paid`, {}), 200);
    expect((await db()('claims').where({ id: c.body.id }).first('status')).status).to.equal('paid');
  });

  it('when someone tries to anonymise a person who is still owed money, then it is refused: an anonymised person never has anything payable', async () => {
    const s = await payingSetup();
    const person = await attendee(s, { lastName: `Du${tag()}` });
    const c = await s.staff.post('/api/claims', {
      participantId: person.id,
      sessionIds: [s.sessionId],
      lines: [MILEAGE],
      submit: true,
    });
    const d = await s.lead.post(`/api/claims/${c.body.id}/decision`, {
      lines: c.body.lines.map((l: { id: string; eligibleCents: number }) => ({
        lineId: l.id,
        grantedCents: l.eligibleCents,
      })),
    });
    expect(d.status, d.text).to.equal(200);
    const acting = systemActing({ now: new Date(), settings: settingsLoader(db()), runId: 'test' });
    const refused = await db()
      .transaction((trx) => anonymiseParticipants(trx, acting, [person.id]))
      .then(
        () => 'anonymised',
        (e: Error) => e.message,
      );
    expect(refused).to.include('still to be paid');
    expect((await participantRow(person.id)).status).to.equal('active');
  });

  it("when a person is erased, then the .eml files of their messages leave the mail folder, another person's stay, and a copy left behind is removed by the next retention run", async () => {
    const s = await payingSetup();
    const person = await attendee(s, { lastName: `Courriel${tag()}` });
    const other = await attendee(s, { lastName: `Voisine${tag()}` });
    // Their claim-received e-mails need a live contact consent (the outbox's consent gate).
    await giveContactConsent(person.id);
    await giveContactConsent(other.id);
    await openClaim(s, person.id, true);
    await openClaim(s, other.id, true);
    await deliverToMailFolder();
    const [file] = await mailFilesOf(person.id);
    const [otherFile] = await mailFilesOf(other.id);
    expect(fs.readFileSync(file, 'utf8')).to.include(person.email!);
    expect(fs.existsSync(otherFile)).to.equal(true);

    const dpo = await signedIn('dpo');
    const r = await dpo.post(`/api/participants/${person.id}/erase`, { reasonCode: 'erasure_request' });
    expect(r.status, r.text).to.equal(200);
    expect(r.body.files).to.deep.equal({ mail_files: 1 });
    expect(fs.existsSync(file)).to.equal(false);
    expect(fs.existsSync(otherFile)).to.equal(true);
    const leftovers = fs
      .readdirSync(ctx().deps.config.mailDir)
      .filter((f) => fs.readFileSync(path.join(ctx().deps.config.mailDir, f), 'utf8').includes(person.last_name));
    expect(leftovers).to.deep.equal([]);

    // A crash between the erasure's commit and the deletion leaves the copy: the retention run sweeps it.
    fs.writeFileSync(file, `To: ${person.email}\n\nBonjour ${person.first_name} ${person.last_name}\n`);
    const run = (await runRetention(dpo, 'apply')) as Awaited<ReturnType<typeof runRetention>> & {
      files: Record<string, number>;
    };
    expect(run.files.mail_files).to.be.at.least(1);
    const runPage = await dpo.get(`/privacy/retention/runs/${run.jobId}`);
    expect(runPage.status).to.equal(200);
    expect(runPage.text).to.include('Fichiers supprimés').and.include('Copies des e-mails envoyés');
    expect(fs.existsSync(file)).to.equal(false);
    expect(fs.existsSync(otherFile)).to.equal(true);
  });
});
