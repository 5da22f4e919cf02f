import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { enqueueMessage } from './outbox.js';

/** Queues a test e-mail to a staff address (`to`), to check the mail settings end to end. */
export async function sendTestEmail(deps: Deps, acting: Acting, input: { to: string }): Promise<string> {
  const { to } = input;
  const settings = await acting.settings();
  return inTransaction(deps.db, async (trx) => {
    const { id } = await enqueueMessage(trx, deps, acting, {
      template: 'test-message',
      channel: 'email',
      to: { email: to },
      vars: { name: '', orgName: settings.name },
    });
    await recordAudit(trx, acting, { action: 'outbox.test_queued', recordType: 'outbox_message', recordId: id });
    return id;
  });
}
