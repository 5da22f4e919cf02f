import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** A real SMTP server for tests; it can be stopped and started again on the same port. */
export class TestSmtp {
  received: ParsedMail[] = [];
  port = 0;
  private server: SMTPServer | null = null;

  async start(): Promise<this> {
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream).then((mail) => {
          this.received.push(mail);
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    // A client that goes away mid-session (a reset pooled connection) is not a test failure.
    server.on('error', () => undefined);
    const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
    this.port = address.port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The Message-IDs received, with how many times each arrived. */
  counts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const mail of this.received) if (mail.messageId) m.set(mail.messageId, (m.get(mail.messageId) ?? 0) + 1);
    return m;
  }
}
