import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { notFound } from '../shared/errors.js';
import { systemActing, withSettingsRead, type Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { settingsLoader } from '../settings/index.js';
import type { SendEmail } from './mailer.js';
import { leaseMessages, lockDueEmails, requeueEmail, setDelivered, setSendFailed, type Claimed } from './repo.js';

/** After this many failed attempts an e-mail is marked failed (visible on the outbox page). */
export const MAX_ATTEMPTS = 8;
/** How long a claimed message is reserved for the instance that claimed it. */
export const LEASE_SECONDS = 120;

/** 30 s, 1 min, 2 min … at most 1 h between attempts. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Claims due e-mails (pending, or sending with an expired lease: its instance died) with
 * FOR UPDATE SKIP LOCKED, so that concurrent workers never take the same message, and
 * reserves them with a lease from the acting's clock. Committed before any sending.
 */
async function claim(deps: Deps, acting: Acting, limit: number): Promise<Claimed[]> {
  const { now } = acting;
  return inTransaction(deps.db, async (trx) => {
    const rows = await lockDueEmails(trx, now, limit);
    if (!rows.length) return [];
    return leaseMessages(
      trx,
      rows.map((r) => r.id),
      new Date(now.getTime() + LEASE_SECONDS * 1000),
    );
  });
}

/**
 * The outbox worker acting for one batch: the platform, at this moment (a batch's lease
 * counts from when it is taken), its settings read before any transaction.
 */
function workerActing(deps: Deps): Promise<Acting> {
  return withSettingsRead(systemActing({ now: deps.now(), settings: settingsLoader(deps.db), runId: 'outbox' }));
}

/**
 * Delivers due e-mails once each (the worker, acting as the system): a message is marked
 * delivered only after the server accepted it; a failure schedules a retry with backoff. A
 * crash between the two leaves the message `sending` until its lease expires; it is then
 * sent again with the same Message-ID. What happens after a send is dated by the clock then
 * (`deps.now()`), not the batch's: sending takes time, and the lease was counted from the claim.
 */
export async function deliverDueEmails(
  deps: Deps,
  send: SendEmail,
  limit = 20,
): Promise<{ delivered: number; failed: number }> {
  const claimed = await claim(deps, await workerActing(deps), limit);
  let delivered = 0;
  let failed = 0;
  for (const m of claimed) {
    try {
      await send({
        messageId: m.message_id,
        to: m.recipient_email,
        toName: m.recipient_name,
        subject: m.subject,
        text: m.body_text,
        html: m.body_html,
      });
      await setDelivered(deps.db, m.id, deps.now());
      delivered++;
    } catch (e) {
      failed++;
      const code = (e as { code?: string }).code ?? 'send_failed';
      deps.log.warn(
        { outboxId: m.id, attempts: m.attempts, err: { type: (e as Error).name, code } },
        'e-mail not delivered',
      );
      const giveUp = m.attempts >= MAX_ATTEMPTS;
      await setSendFailed(deps.db, m.id, {
        status: giveUp ? 'failed' : 'pending',
        lastErrorCode: String(code).slice(0, 60),
        nextAttemptAt: new Date(deps.now().getTime() + backoffSeconds(m.attempts) * 1000),
      }).catch((err) => deps.log.error({ err: err }, 'outbox update failed'));
    }
  }
  return { delivered, failed };
}

/**
 * What the outbox job runs on each tick: batches of `limit` one after another while batches
 * come back full, for at most `budgetMs`, so that a backlog (a batch of 300 payment notices)
 * drains at the SMTP server's pace instead of `limit` messages per tick.
 */
export async function drainDueEmails(
  deps: Deps,
  send: SendEmail,
  options: { limit?: number; budgetMs?: number } = {},
): Promise<{ delivered: number; failed: number }> {
  const limit = options.limit ?? 20;
  const until = Date.now() + (options.budgetMs ?? 10_000);
  const total = { delivered: 0, failed: 0 };
  for (;;) {
    const { delivered, failed } = await deliverDueEmails(deps, send, limit);
    total.delivered += delivered;
    total.failed += failed;
    if (delivered + failed < limit || failed > 0 || Date.now() >= until) return total;
  }
}

/** Puts a failed (or waiting) e-mail `id` back in the queue, due at the acting's clock; audited. 404 when there is no such e-mail to send. */
export async function retryMessage(deps: Deps, acting: Acting, id: string): Promise<void> {
  const n = await requeueEmail(deps.db, id, acting.now);
  if (n === 0) throw notFound('Message à renvoyer');
  await recordAudit(deps.db, acting, { action: 'outbox.retried', recordType: 'outbox_message', recordId: id });
}
