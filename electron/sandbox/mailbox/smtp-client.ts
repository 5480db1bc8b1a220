import net from 'node:net';
import { OnboardError } from '../../../shared/errors';

/**
 * A minimal SMTP client (RFC 5321) for loopback delivery into the sandbox mailbox: EHLO, MAIL,
 * RCPT, DATA with dot-stuffing, QUIT. The messages it carries are 7-bit (quoted-printable), so
 * no extension is needed. Loopback hosts only: the sandbox never sends mail off this computer.
 */
export interface SmtpSendOptions {
  readonly host?: string;
  readonly port: number;
  readonly from: string;
  readonly to: readonly string[];
  /** The whole RFC 5322 message. */
  readonly message: string;
  readonly timeoutMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function sendSmtp(opts: SmtpSendOptions): Promise<void> {
  const host = opts.host ?? '127.0.0.1';
  const toLabel = opts.to.join(', ');
  if (!LOOPBACK.has(host)) {
    throw new OnboardError('REGISTRATION_MAIL_FAILED', { to: toLabel, detail: `the sandbox only delivers to a mailbox on this computer, not ${host}` });
  }
  for (const addr of [opts.from, ...opts.to]) {
    if (/[\r\n<>]/.test(addr)) throw new OnboardError('REGISTRATION_MAIL_FAILED', { to: toLabel, detail: `“${addr}” is not an e-mail address` });
  }
  const socket = net.connect({ host, port: opts.port });
  socket.setTimeout(opts.timeoutMs ?? 10_000);
  let buffer = '';
  const waiters: ((reply: { code: number; text: string }) => void)[] = [];
  let failure: Error | undefined;
  const failed = new Promise<never>((_, reject) => {
    const fail = (e: Error) => {
      failure ??= e;
      reject(failure);
    };
    socket.on('error', fail);
    socket.on('timeout', () => {
      fail(new Error('the mailbox did not answer in time'));
      socket.destroy();
    });
    socket.on('close', () => fail(new Error('the mailbox closed the connection')));
  });
  failed.catch(() => {});
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    // A reply ends with a line "ddd text" (no dash after the code).
    for (;;) {
      const m = /(^|\n)(\d{3}) [^\n]*\n/.exec(buffer);
      if (!m) break;
      const end = m.index + m[0].length;
      const text = buffer.slice(0, end);
      buffer = buffer.slice(end);
      waiters.shift()?.({ code: Number(m[2]), text: text.trim() });
    }
  });
  const reply = () => Promise.race([new Promise<{ code: number; text: string }>((r) => waiters.push(r)), failed]);
  const command = async (line: string, expect: number) => {
    const pending = reply();
    socket.write(line + '\r\n');
    const r = await pending;
    if (Math.floor(r.code / 100) !== Math.floor(expect / 100)) throw new Error(`${line.split(' ')[0]} answered: ${r.text}`);
  };
  try {
    const greeting = await reply();
    if (greeting.code !== 220) throw new Error(`greeting: ${greeting.text}`);
    await command('EHLO localhost', 250);
    await command(`MAIL FROM:<${opts.from}>`, 250);
    for (const rcpt of opts.to) await command(`RCPT TO:<${rcpt}>`, 250);
    await command('DATA', 354);
    const body = opts.message.replace(/\r?\n/g, '\r\n').replace(/(^|\r\n)\./g, '$1..');
    await command(body + (body.endsWith('\r\n') ? '' : '\r\n') + '.', 250);
    await command('QUIT', 221).catch(() => {});
  } catch (e) {
    throw new OnboardError('REGISTRATION_MAIL_FAILED', { to: toLabel, detail: (e as Error).message }, { cause: e });
  } finally {
    socket.removeAllListeners('close');
    socket.destroy();
  }
}
