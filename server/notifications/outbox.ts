import type { Acting } from '../shared/acting.js';
import { randomUUID } from 'node:crypto';
import type { Db } from '../shared/db.js';
import type { Deps } from '../shared/deps.js';
import { localDay } from '../shared/dates.js';
import { useOfTemplate, MESSAGE_USES, type MessageUseCode } from '../privacy/index.js';
import { mayContact } from '../consents/index.js';
import { renderEmail } from './templates.js';
import { insertMessage } from './repo.js';

export interface OutboxRecipient {
  participantId?: string | null;
  email?: string | null;
  name?: string | null;
}

export interface EnqueueInput {
  /** Template name under templates/emails/ (letters use the same texts); its use is declared in the privacy registry. */
  template: string;
  to: OutboxRecipient;
  vars: Record<string, unknown>;
  /** e-mail when the person has an address and that channel, else a letter to print. */
  channel: 'email' | 'letter';
  related?: { type: string; id: string };
}

/**
 * What became of a message: queued (by the channel the consent gate allows), or not queued
 * because it is consent-based and the person has no live `contact` consent — then a
 * `withheld` row keeps the trace, so the person's page and the caller can say
 * "non contacté·e : pas de consentement" instead of skipping them silently.
 */
export type EnqueueResult =
  | { queued: true; id: string; channel: 'email' | 'letter'; use: MessageUseCode }
  | { queued: false; id: string; reason: 'no_consent'; use: MessageUseCode };

/** The Message-ID of a message: fixed at creation, so a repeated delivery carries the same one. */
export function messageIdFor(id: string, publicUrl: string): string {
  return `<${id}@${new URL(publicUrl).hostname || 'localhost'}>`;
}

/**
 * Writes a message in the caller's transaction: it exists if and only if the change that
 * causes it is committed. Every message goes through here, so every message passes the
 * consent gate (`mayContact`): a consent-based message to a participant without a live
 * `contact` consent is never queued (a `withheld` row records it), and a legally required one
 * to such a person goes as a letter (by post, or through their association), never by e-mail.
 * A template without a declared use throws.
 */
export async function enqueueMessage(
  trx: Db,
  deps: Pick<Deps, 'config'>,
  acting: Acting,
  input: EnqueueInput,
): Promise<EnqueueResult> {
  if (input.channel === 'email' && !input.to.email) throw new Error('an e-mail needs an address');
  const use = useOfTemplate(input.template);
  const participantId = input.to.participantId ?? null;
  if ((MESSAGE_USES[use].audience === 'participant') !== Boolean(participantId)) {
    throw new Error(`a ${use} message ${participantId ? 'is not for a participant' : 'must name its participant'}`);
  }
  const { now } = acting;
  let channel = input.channel;
  let withheld = false;
  if (participantId) {
    const settings = await acting.settings();
    const permission = await mayContact(trx, participantId, use, localDay(now, settings.timeZone));
    if (!permission.ok) withheld = true;
    else if (!permission.direct) channel = 'letter';
  }
  const rendered = renderEmail(input.template, input.vars);
  const id = randomUUID();
  await insertMessage(trx, {
    id,
    message_id: messageIdFor(id, deps.config.publicUrl),
    channel,
    template: input.template,
    use,
    participant_id: participantId,
    // A withheld message keeps its subject only: nothing to send, no personal text to hold.
    recipient_email: !withheld && channel === 'email' ? input.to.email : null,
    recipient_name: withheld ? null : (input.to.name ?? null),
    subject: rendered.subject,
    body_text: withheld ? null : rendered.text,
    body_html: withheld ? null : rendered.html,
    status: withheld ? 'withheld' : 'pending',
    related_type: input.related?.type ?? null,
    related_id: input.related?.id ?? null,
    created_at: now,
  });
  return withheld ? { queued: false, id, reason: 'no_consent', use } : { queued: true, id, channel, use };
}
