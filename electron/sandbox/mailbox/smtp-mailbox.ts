import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { MailboxStore, type MailMessage, type MailSummary } from './mailbox-store';

export interface StartMailboxOptions {
  /** Where the messages and their index are kept (durable). */
  readonly dir: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Largest message accepted, in bytes. */
  readonly maxBytes?: number;
  readonly now?: () => Date;
}

export interface SandboxMailbox {
  readonly smtpHost: string;
  readonly smtpPort: number;
  readonly dir: string;
  list(): Promise<MailSummary[]>;
  read(id: string): Promise<MailMessage>;
  close(): Promise<void>;
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * The sandbox mailbox: an SMTP server on 127.0.0.1 that accepts every message (no auth, no
 * relaying anywhere) and stores it in `dir` for the app to show.
 */
export async function startMailbox(opts: StartMailboxOptions): Promise<SandboxMailbox> {
  const store = new MailboxStore(opts.dir, opts.now);
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  const server = new SMTPServer({
    name: 'mailbox.sandbox.invalid',
    banner: 'OSG Onboard sandbox mailbox',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    logger: false,
    // Loopback only: no reverse DNS lookup of the client (smtp-server still pauses 100 ms before
    // its greeting to catch early talkers; that pause is fixed).
    disableReverseLookup: true,
    onConnect(session, callback) {
      if (!isLoopback(session.remoteAddress)) return callback(new Error('Only local connections are accepted'));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= maxBytes) chunks.push(c);
      });
      stream.on('error', (e) => callback(e));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          const err = Object.assign(new Error('Message is too large for the sandbox mailbox'), { responseCode: 552 });
          return callback(err);
        }
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        store.deliver(Buffer.concat(chunks), envelope).then(
          (id) => callback(null, `Stored as ${id}`),
          (e: Error) => callback(Object.assign(new Error(`Could not store the message: ${e.message}`), { responseCode: 451 })),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => {
    // Per-connection errors (a client hanging up) must not bring the mailbox down.
  });
  const address = server.server.address() as AddressInfo;
  return {
    smtpHost: '127.0.0.1',
    smtpPort: address.port,
    dir: opts.dir,
    list: () => store.list(),
    read: (id) => store.read(id),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
