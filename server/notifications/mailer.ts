import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.js';
import { mailFileName } from '../shared/mail-folder.js';

export interface OutgoingEmail {
  messageId: string;
  to: string;
  toName: string | null;
  subject: string;
  text: string;
  html: string;
}

/** Sends one e-mail; throws when the server refuses or cannot be reached. */
export type SendEmail = (mail: OutgoingEmail) => Promise<void>;

/**
 * SMTP when configured; otherwise each message is written as an .eml file in MAIL_DIR (the
 * embedded default), named by its id so that a repeat overwrites rather than duplicates.
 * The files are copies of outbox messages and follow their retention (server/privacy/product-files.ts).
 */
export function createMailer(config: Pick<Config, 'smtp' | 'mailFrom' | 'mailDir'>): {
  send: SendEmail;
  close: () => void;
  kind: 'smtp' | 'files';
} {
  let transport: Transporter;
  let kind: 'smtp' | 'files';
  if (config.smtp) {
    kind = 'smtp';
    // Pooled: the worker sends one message after another over the same connection (about 2 ms
    // each on loopback) instead of opening one per message (about 100 ms each).
    transport = nodemailer.createTransport({
      pool: true,
      host: config.smtp.host,
      port: config.smtp.port,
      secure: config.smtp.secure,
      auth: config.smtp.user ? { user: config.smtp.user, pass: config.smtp.password ?? '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  } else {
    kind = 'files';
    transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }
  const send: SendEmail = async (mail) => {
    const info = await transport.sendMail({
      from: config.mailFrom,
      to: mail.toName ? { name: mail.toName, address: mail.to } : mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
    });
    if (kind === 'files') {
      fs.mkdirSync(config.mailDir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(
        path.join(config.mailDir, mailFileName(mail.messageId)),
        (info as unknown as { message: Buffer }).message,
        { mode: 0o600 },
      );
    }
  };
  return { send, close: () => transport.close(), kind };
}
