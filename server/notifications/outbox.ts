import { randomUUID } from 'node:crypto';
import type { Db } from '../shared/db.js';
import { renderEmail } from './templates.js';

export interface OutboxRecipient {
  participantId?: string | null;
  email?: string | null;
  name?: string | null;
}

export interface EnqueueInput {
  /** Template name under templates/emails/ (letters use the same texts). */
  template: string;
  to: OutboxRecipient;
  vars: Record<string, unknown>;
  /** e-mail when the person has an address and that channel, else a letter to print. */
  channel: 'email' | 'letter';
  related?: { type: string; id: string };
}

/** The Message-ID of a message: fixed at creation, so a repeated delivery carries the same one. */
export function messageIdFor(id: string, publicUrl: string): string {
  return `<${id}@${new URL(publicUrl).hostname || 'localhost'}>`;
}

/**
 * Writes a message in the caller's transaction: it exists if and only if the change that
 * causes it is committed. Returns its id.
 */
export async function enqueueMessage(trx: Db, publicUrl: string, input: EnqueueInput): Promise<string> {
  if (input.channel === 'email' && !input.to.email) throw new Error('an e-mail needs an address');
  const rendered = renderEmail(input.template, input.vars);
  const id = randomUUID();
  await trx('outbox_messages').insert({
    id,
    message_id: messageIdFor(id, publicUrl),
    channel: input.channel,
    template: input.template,
    participant_id: input.to.participantId ?? null,
    recipient_email: input.channel === 'email' ? input.to.email : null,
    recipient_name: input.to.name ?? null,
    subject: rendered.subject,
    body_text: rendered.text,
    body_html: rendered.html,
    related_type: input.related?.type ?? null,
    related_id: input.related?.id ?? null,
  });
  return id;
}
