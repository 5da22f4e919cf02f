import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.js';

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
 * The name of a message's .eml file in MAIL_DIR: its Message-ID (`<outbox id@host>`) made
 * safe for a file name. The privacy lifecycle finds a person's files by this name.
 */
export function mailFileName(messageId: string): string {
  return `${messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9@._-]/g, '_')}.eml`;
}

/** The outbox ids of the .eml files in MAIL_DIR (none when the folder does not exist). */
export function mailFolderOutboxIds(mailDir: string): string[] {
  if (!fs.existsSync(mailDir)) return [];
  return fs.readdirSync(mailDir).map((f) => /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@.*\.eml$/.exec(f)?.[1]).filter((id): id is string => !!id);
}

/** Deletes the .eml files of these messages from MAIL_DIR; returns how many existed. */
export function removeMailFiles(mailDir: string, messageIds: string[]): number {
  let removed = 0;
  for (const id of messageIds) {
    try {
      fs.unlinkSync(path.join(mailDir, mailFileName(id)));
      removed++;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return removed;
}

/**
 * SMTP when configured; otherwise each message is written as an .eml file in MAIL_DIR (the
 * embedded default), named by its id so that a repeat overwrites rather than duplicates.
 * The files are copies of outbox messages and follow their retention (server/privacy/product-files.ts).
 */
export function createMailer(config: Pick<Config, 'smtp' | 'mailFrom' | 'mailDir'>): { send: SendEmail; close: () => void; kind: 'smtp' | 'files' } {
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
      fs.writeFileSync(path.join(config.mailDir, mailFileName(mail.messageId)), (info as unknown as { message: Buffer }).message, { mode: 0o600 });
    }
  };
  return { send, close: () => transport.close(), kind };
}
