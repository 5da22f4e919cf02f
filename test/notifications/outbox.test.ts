import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ctx, testConfig } from '../helpers/context.js';
import { actingAsSystem } from '../helpers/acting.js';
import { signedIn } from '../helpers/factories.js';
import { TestSmtp } from '../helpers/smtp.js';
import { pdfText } from '../helpers/documents.js';
import { Client } from '../helpers/client.js';
import {
  createMailer,
  deliverDueEmails,
  drainDueEmails,
  enqueueMessage,
  backoffSeconds,
} from '../../server/notifications/index.js';
import { openServerDatabase } from '../../server/shared/db.js';
import type { Deps } from '../../server/shared/deps.js';

async function queue(n: number, tag: string): Promise<string[]> {
  const { deps } = ctx();
  const acting = await actingAsSystem();
  const ids: string[] = [];
  await deps.db.transaction(async (trx) => {
    for (let i = 0; i < n; i++) {
      ids.push(
        (
          await enqueueMessage(trx, deps, acting, {
            template: 'test-message',
            channel: 'email',
            to: { email: `personne${i}.${tag}@test.example`, name: `Personne ${i}` },
            vars: { name: `Personne ${i}`, orgName: 'Département de test' },
          })
        ).id,
      );
    }
  });
  return ids;
}

/** The Message-IDs of these messages, in the order of `ids` (a WHERE IN answers in any order). */
async function messageIds(ids: string[]): Promise<string[]> {
  const rows = await ctx().deps.db('outbox_messages').whereIn('id', ids).select('id', 'message_id');
  const byId = new Map(rows.map((r) => [r.id, r.message_id]));
  return ids.map((id) => byId.get(id));
}

/** Runs the worker until none of these messages is due any more. */
async function drain(deps: Deps, send: Parameters<typeof deliverDueEmails>[1], ids: string[]) {
  for (let i = 0; i < 20; i++) {
    await deliverDueEmails(deps, send, 25);
    const left = await ctx()
      .deps.db('outbox_messages')
      .whereIn('id', ids)
      .whereNot('status', 'delivered')
      .count({ n: '*' });
    if (Number(left[0].n) === 0) return;
  }
}

describe('outbox', () => {
  it('when the SMTP server is down, then nothing is lost; when it is back, all 50 arrive, each Message-ID once', async function () {
    this.timeout(60_000);
    const smtp = await new TestSmtp().start();
    const port = smtp.port;
    await smtp.stop();
    const mailer = createMailer(testConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port) }));
    const ids = await queue(50, 'down');
    // A limit above anything due: messages other tests left pending come first in the queue.
    const first = await deliverDueEmails(ctx().deps, mailer.send, 5000);
    expect(first.delivered).to.equal(0);
    const waiting = await ctx()
      .deps.db('outbox_messages')
      .whereIn('id', ids)
      .select('status', 'attempts', 'next_attempt_at');
    expect(waiting.every((m) => m.status === 'pending' && m.attempts === 1)).to.equal(true);
    await smtp.start(); // same port
    ctx().clock.now = new Date(Date.now() + backoffSeconds(1) * 1000 + 1000);
    try {
      await drain(ctx().deps, mailer.send, ids);
    } finally {
      ctx().clock.now = null;
      mailer.close();
      await smtp.stop();
    }
    const expected = await messageIds(ids);
    const counts = smtp.counts();
    for (const id of expected) expect(counts.get(id), id).to.equal(1);
    const mail = smtp.received.find((m) => m.messageId === expected[0])!;
    expect(mail.subject).to.equal('Message de test — Département de test');
    expect(mail.text).to.include('Bonjour Personne 0');
  });

  it('when a backlog is due, then one tick of the outbox job sends batch after batch until none is left; with the server down it stops after one batch', async function () {
    this.timeout(60_000);
    const smtp = await new TestSmtp().start();
    const port = smtp.port;
    const mailer = createMailer(testConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port) }));
    try {
      // Messages other tests left due come first; a limit of 10 makes this backlog five batches at least.
      const ids = await queue(45, 'backlog');
      const tick = await drainDueEmails(ctx().deps, mailer.send, { limit: 10 });
      expect(tick.delivered).to.be.at.least(45);
      const counts = smtp.counts();
      for (const id of await messageIds(ids)) expect(counts.get(id), id).to.equal(1);

      // The pooled connection would keep the server's close waiting: close it first.
      mailer.close();
      await smtp.stop();
      const down = await queue(25, 'backlog-down');
      const downMailer = createMailer(testConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port) }));
      const refused = await drainDueEmails(ctx().deps, downMailer.send, { limit: 10 }).finally(() =>
        downMailer.close(),
      );
      expect(refused).to.deep.equal({ delivered: 0, failed: 10 });
      const attempted = await ctx()
        .deps.db('outbox_messages')
        .whereIn('id', down)
        .where('attempts', '>', 0)
        .count({ n: '*' });
      expect(Number(attempted[0].n)).to.equal(10);
    } finally {
      mailer.close();
      await smtp.stop().catch(() => undefined);
    }
  });

  it('@pg when two workers on two connections pools run at once, then each message is delivered exactly once', async function () {
    this.timeout(60_000);
    const smtp = await new TestSmtp().start();
    const mailer = createMailer(testConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) }));
    const instances = await Promise.all([
      openServerDatabase(ctx().testDb.url!, 5),
      openServerDatabase(ctx().testDb.url!, 5),
    ]);
    try {
      const ids = await queue(60, 'two');
      const workers = instances.map((db) => ({ ...ctx().deps, db: db.knex }));
      await Promise.all([0, 1, 2, 3].map((i) => drain(workers[i % 2], mailer.send, ids)));
      const counts = smtp.counts();
      for (const id of await messageIds(ids)) expect(counts.get(id), id).to.equal(1);
    } finally {
      mailer.close();
      await smtp.stop();
      await Promise.all(instances.map((i) => i.close()));
    }
  });

  it('when no SMTP server is configured, then each e-mail is written once as an .eml file and marked delivered', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbo-mail-'));
    const mailer = createMailer(testConfig({ MAIL_DIR: dir }));
    const ids = await queue(3, 'files');
    await drain(ctx().deps, mailer.send, ids);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files).to.have.length.of.at.least(3);
    const mine = (await messageIds(ids)).map((m) => `${m.replace(/[<>]/g, '')}.eml`);
    for (const f of mine) expect(files).to.include(f);
    const parsed = await simpleParser(fs.readFileSync(path.join(dir, mine[0])));
    expect(parsed.subject).to.equal('Message de test — Département de test');
    expect(parsed.messageId).to.equal((await messageIds([ids[0]]))[0]);
  });

  it('when an admin lists the outbox, then statuses show without addresses; a failed message can be retried', async () => {
    const admin = await signedIn('admin');
    const [id] = await queue(1, 'retry');
    await ctx()
      .deps.db('outbox_messages')
      .where({ id })
      .update({ status: 'failed', attempts: 8, last_error_code: 'ECONNREFUSED' });
    const list = await admin.get('/api/outbox?status=failed');
    expect(list.status).to.equal(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).to.include(id);
    expect(JSON.stringify(list.body)).to.not.include('@test.example');
    const retried = await admin.post(`/api/outbox/${id}/retry`);
    expect(retried.body).to.include({ status: 'pending', attempts: 0 });
    const staff = await signedIn('staff');
    expect((await staff.get('/api/outbox')).status).to.equal(403);
    const page = await admin.get('/admin/outbox');
    expect(page.text).to.include('Messages envoyés et à envoyer');
  });

  it('when letters wait to be printed, then one PDF holds them all and marking them printed empties the queue', async () => {
    const { deps } = ctx();
    const acting = await actingAsSystem();
    const ids: string[] = [];
    await deps.db.transaction(async (trx) => {
      for (const name of ['Nguyễn Thị Ánh', 'Jean Dupont']) {
        ids.push(
          (
            await enqueueMessage(trx, deps, acting, {
              template: 'test-message',
              channel: 'letter',
              to: { name },
              vars: { name, orgName: 'Département de test' },
            })
          ).id,
        );
      }
    });
    const staff = await signedIn('staff');
    const r = await staff.request('GET', '/api/outbox/letters.pdf');
    expect(r.status).to.equal(200);
    const res = await fetch(`${ctx().baseUrl}/api/outbox/letters.pdf`, {
      headers: { cookie: [...staff.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    const text = pdfText(Buffer.from(await res.arrayBuffer()));
    expect(text).to.include('Bonjour Nguyễn Thị Ánh').and.include('Bonjour Jean Dupont');
    const marked = await staff.post('/api/outbox/letters/mark-printed', { ids });
    expect(marked.body.printed).to.equal(2);
    const again = await new Client().get('/api/outbox/letters.pdf');
    expect(again.status).to.equal(401);
  });
});

describe('outbox test e-mail', () => {
  it('when an admin asks for a test e-mail, then it is queued; a wrong address is a 400 naming `to`', async () => {
    const admin = await signedIn('admin');
    const bad = await admin.post('/api/outbox/test', { to: 'pas-une-adresse' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('to');
    const ok = await admin.post('/api/outbox/test', { to: 'admin@test.example' });
    expect(ok.status).to.equal(202);
    expect(ok.body).to.include({ status: 'pending', template: 'test-message', channel: 'email' });
    const form = await admin.postForm('/admin/outbox/test', { to: 'x' });
    expect(form.status).to.equal(400);
    expect(form.text).to.include('doit être une adresse e-mail valide');
  });
});
