import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { getSettings } from '../settings/index.js';
import { recordAudit, type AuditActor } from '../audit/index.js';
import { enqueueMessage } from './outbox.js';

/** Queues a test e-mail to a staff address, to check the mail settings end to end. */
export async function sendTestEmail(deps: Deps, actor: AuditActor, to: string): Promise<string> {
  const { settings } = await getSettings(deps.db);
  return inTransaction(deps.db, async (trx) => {
    const { id } = await enqueueMessage(trx, deps, {
      template: 'test-message',
      channel: 'email',
      to: { email: to },
      vars: { name: '', orgName: settings.name },
    });
    await recordAudit(trx, actor, { action: 'outbox.test_queued', recordType: 'outbox_message', recordId: id });
    return id;
  });
}
