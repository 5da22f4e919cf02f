import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ctx } from '../helpers/context.js';
import { actingAsSystem } from '../helpers/acting.js';
import { createParticipant, giveContactConsent, signedIn } from '../helpers/factories.js';
import { consentBasedMessagesWithoutConsent } from '../helpers/consent-walk.js';
import { enqueueMessage } from '../../server/notifications/index.js';
import { mayContact } from '../../server/consents/index.js';
import { MESSAGE_USES, useOfTemplate, type MessageUseCode } from '../../server/privacy/index.js';
import { TEMPLATES_DIR } from '../../server/shared/render.js';

const db = () => ctx().deps.db;

/** The message of the error a promise fails with (fails the test if it succeeds). */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a failure');
}
const emailTemplates = () =>
  fs
    .readdirSync(path.join(TEMPLATES_DIR, 'emails'))
    .filter((f) => f.endsWith('.subject.njk'))
    .map((f) => f.replace(/\.subject\.njk$/, ''));

describe('messages: every template has a declared use, and consent-based ones pass the gate', () => {
  it('when the e-mail templates are walked, then each belongs to exactly one declared use, and each declared template exists in its three parts', () => {
    const names = emailTemplates();
    expect(names.length).to.be.greaterThan(5);
    for (const name of names) expect(() => useOfTemplate(name), name).to.not.throw();
    for (const [use, u] of Object.entries(MESSAGE_USES)) {
      for (const t of u.templates) {
        for (const part of ['subject', 'txt', 'html'])
          expect(
            fs.existsSync(path.join(TEMPLATES_DIR, 'emails', `${t}.${part}.njk`)),
            `${use}: ${t}.${part}.njk`,
          ).to.equal(true);
      }
    }
    // The list of docs/domain.md#messages-and-their-legal-basis: invitations, reminders, project news and retention notices need consent; claim decisions and payment notices do not.
    const basis = (u: MessageUseCode) => MESSAGE_USES[u].legalBasis;
    expect(
      ['invitation', 'reminder', 'project_news', 'retention_notice'].map((u) => basis(u as MessageUseCode)),
    ).to.deep.equal(['consent', 'consent', 'consent', 'consent']);
    expect(basis('claim_decision')).to.equal('legal_obligation');
    expect(basis('payment_notice')).to.equal('legal_obligation');
    expect(() => useOfTemplate('newsletter')).to.throw(/no declared use/);
  });

  it('when a message uses a template without a declared use, or a participant message names no participant, then nothing is written', async () => {
    const { deps } = ctx();
    const acting = await actingAsSystem();
    const before = Number((await db()('outbox_messages').count({ n: '*' }))[0].n);
    expect(
      await failure(
        deps.db.transaction((trx) =>
          enqueueMessage(trx, deps, acting, { template: 'newsletter', channel: 'letter', to: { name: 'X' }, vars: {} }),
        ),
      ),
    ).to.match(/no declared use/);
    expect(
      await failure(
        deps.db.transaction((trx) =>
          enqueueMessage(trx, deps, acting, { template: 'invitation', channel: 'letter', to: { name: 'X' }, vars: {} }),
        ),
      ),
    ).to.match(/must name its participant/);
    const person = await createParticipant({ contactConsent: true });
    expect(
      await failure(
        deps.db.transaction((trx) =>
          enqueueMessage(trx, deps, acting, {
            template: 'test-message',
            channel: 'email',
            to: { participantId: person.id, email: 'a@test.example' },
            vars: {},
          }),
        ),
      ),
    ).to.match(/not for a participant/);
    expect(Number((await db()('outbox_messages').count({ n: '*' }))[0].n)).to.equal(before);
  });

  it('when the gate is asked on given days, then a consent counts from the day it is given until it is withdrawn; legal uses always pass, by post without it', async () => {
    const person = await createParticipant();
    const ask = (use: MessageUseCode, day: string) => mayContact(db(), person.id, use, day);
    expect(await ask('invitation', '2026-06-01')).to.deep.equal({ ok: false, refused: 'no_consent' });
    expect(await ask('claim_decision', '2026-06-01')).to.deep.equal({ ok: true, direct: false });
    const consentId = await giveContactConsent(person.id, '2026-06-02');
    expect(await ask('invitation', '2026-06-01')).to.deep.equal({ ok: false, refused: 'no_consent' });
    expect(await ask('invitation', '2026-06-02')).to.deep.equal({ ok: true, direct: true });
    expect(await ask('claim_decision', '2026-06-02')).to.deep.equal({ ok: true, direct: true });
    await db()('consents').where({ id: consentId }).update({ withdrawn_on: '2026-06-10' });
    expect(await ask('reminder', '2026-06-10')).to.deep.equal({ ok: false, refused: 'no_consent' });
    expect(await failure(ask('staff_notice', '2026-06-10'))).to.match(/not a message to participants/);
  });

  it('when a message is written around the gate, then the walk over the outbox (run after the whole suite too) finds it', async () => {
    const { deps } = ctx();
    const acting = await actingAsSystem();
    const person = await createParticipant();
    const id = randomUUID();
    // What a sender that forgot the gate would write: an invitation straight into the table.
    await db()('outbox_messages').insert({
      id,
      message_id: `<${id}@test>`,
      channel: 'letter',
      template: 'invitation',
      use: 'invitation',
      participant_id: person.id,
      subject: 'Invitation',
      body_text: 'Bonjour',
      created_at: deps.now(),
    });
    try {
      expect((await consentBasedMessagesWithoutConsent(db())).map((m) => m.id)).to.include(id);
      // A legally required message to the same person is not a breach; a withheld invitation is not either.
      const legal = await deps.db.transaction((trx) =>
        enqueueMessage(trx, deps, acting, {
          template: 'payment-sent',
          channel: 'email',
          to: { participantId: person.id, email: person.email, name: 'X' },
          vars: { name: 'X', orgName: 'Org', amountCents: 100, references: 'R', cash: false },
        }),
      );
      expect(legal).to.include({ queued: true, channel: 'letter', use: 'payment_notice' });
      const held = await deps.db.transaction((trx) =>
        enqueueMessage(trx, deps, acting, {
          template: 'invitation',
          channel: 'email',
          to: { participantId: person.id, email: person.email, name: 'X' },
          vars: { name: 'X' },
        }),
      );
      expect(held).to.deep.include({ queued: false, reason: 'no_consent', use: 'invitation' });
      expect((await consentBasedMessagesWithoutConsent(db())).map((m) => m.id)).to.deep.equal([id]);
    } finally {
      await db()('outbox_messages').where({ id }).delete();
    }
    expect(await consentBasedMessagesWithoutConsent(db())).to.deep.equal([]);
  });

  it('when the processing register is shown, then it lists each use, its legal basis and its templates', async () => {
    const dpo = await signedIn('dpo');
    const r = await dpo.get('/api/privacy/register');
    expect(r.status).to.equal(200);
    const invitation = r.body.messageUses.find((u: { code: string }) => u.code === 'invitation');
    expect(invitation)
      .to.include({ legalBasis: 'consent', consentBased: true })
      .and.deep.include({ templates: ['invitation'] });
    expect(r.body.messageUses.find((u: { code: string }) => u.code === 'claim_decision')).to.include({
      legalBasis: 'legal_obligation',
      consentBased: false,
    });
    const page = await dpo.get('/privacy/register');
    expect(page.text)
      .to.include('Messages et leur base légale')
      .and.include('Invitations aux ateliers et réunions')
      .and.include('Obligation légale (art. 6.1.c)');
  });
});
