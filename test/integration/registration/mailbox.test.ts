import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MailboxStore, composeMessage, listMessages, readMessage, sendSmtp, startMailbox, type SandboxMailbox } from '../../../electron/sandbox/mailbox';
import { OnboardError } from '../../../shared/errors';

const work = mkdtempSync(path.join(os.tmpdir(), 'osg-mailbox-'));
const dir = path.join(work, 'mailbox');
let mailbox: SandboxMailbox;

beforeAll(async () => {
  mailbox = await startMailbox({ dir });
});
afterAll(async () => {
  await mailbox?.close();
  rmSync(work, { recursive: true, force: true });
});

const message = (subject: string, text: string) =>
  composeMessage({ from: 'Sender <s@sandbox.invalid>', to: ['r@example.org'], subject, text, date: new Date('2026-11-24T10:00:00Z'), messageId: `${subject}@t` });

/** Talks SMTP by hand, to show the server is a real SMTP server (not only our client's partner). */
async function rawSmtp(port: number, lines: string[]): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const closed = new Promise((r) => socket.on('close', r));
  let transcript = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (transcript += d));
  const replies = () => (transcript.match(/^\d{3} /gm) ?? []).length;
  const waitReplies = async (n: number) => {
    for (let i = 0; i < 500 && replies() < n; i++) await new Promise((r) => setTimeout(r, 10));
  };
  await waitReplies(1);
  for (const [i, l] of lines.entries()) {
    socket.write(l + '\r\n');
    await waitReplies(i + 2);
  }
  socket.end();
  await closed;
  return transcript;
}

describe('sandbox mailbox (SMTP on loopback, messages as files)', () => {
  it('stores a message sent over SMTP as <timestamp>-<id>.eml plus an index, readable back', async () => {
    await sendSmtp({ port: mailbox.smtpPort, from: 's@sandbox.invalid', to: ['r@example.org'], message: message('First', 'Hello\n.leading dot\nhttps://x.example/confirm?a=1&b=2\n') });
    const list = await mailbox.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ subject: 'First', from: 'Sender <s@sandbox.invalid>', to: ['r@example.org'] });
    const m = await mailbox.read(list[0].id);
    expect(m.text).toBe('Hello\n.leading dot\nhttps://x.example/confirm?a=1&b=2\n'); // dot-stuffing undone
    expect(m.links).toEqual(['https://x.example/confirm?a=1&b=2']);
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files).toEqual([expect.stringMatching(new RegExp(`^\\d{8}T\\d{9}Z-${list[0].id}\\.eml$`))]);
    // The folder reader gives the same, without the SMTP side.
    expect(await listMessages(dir)).toEqual(list);
    expect(await readMessage(dir, list[0].id)).toEqual(m);
    const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8'));
    expect(index.messages[0]).toMatchObject({ id: list[0].id, envelopeFrom: 's@sandbox.invalid', envelopeTo: ['r@example.org'] });
  });

  it('accepts a hand-typed SMTP session', async () => {
    const t = await rawSmtp(mailbox.smtpPort, ['EHLO test', 'MAIL FROM:<a@b.c>', 'RCPT TO:<d@e.f>', 'DATA', 'Subject: typed\r\n\r\nby hand\r\n.', 'QUIT']);
    expect(t).toMatch(/250 .*Stored as [0-9a-f]+/);
    expect((await mailbox.list())[0].subject).toBe('typed');
  });

  it('reports delivery to a closed port as a typed error and refuses non-loopback hosts', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    await expect(sendSmtp({ port: closed, from: 'a@b.c', to: ['d@e.f'], message: message('x', 'y') })).rejects.toSatisfy(
      (e: unknown) => e instanceof OnboardError && e.code === 'REGISTRATION_MAIL_FAILED',
    );
    await expect(sendSmtp({ host: '192.0.2.1', port: 25, from: 'a@b.c', to: ['d@e.f'], message: 'x' })).rejects.toSatisfy(
      (e: unknown) => e instanceof OnboardError && e.code === 'REGISTRATION_MAIL_FAILED',
    );
  });

  it('keeps messages across a restart and rebuilds a damaged index from the .eml files', async () => {
    const ids = (await mailbox.list()).map((m) => m.id);
    await mailbox.close();
    writeFileSync(path.join(dir, 'index.json'), '{ not json');
    mailbox = await startMailbox({ dir });
    expect((await mailbox.list()).map((m) => m.id).sort()).toEqual([...ids].sort());
    expect(readdirSync(dir).some((f) => f.startsWith('index.json.damaged-'))).toBe(true);
    await expect(mailbox.read('0000000000000000')).rejects.toSatisfy((e: unknown) => e instanceof OnboardError && e.code === 'REGISTRATION_MESSAGE_NOT_FOUND');
  });

  it('reads a mailbox folder that does not exist yet as empty, without creating it', async () => {
    const none = new MailboxStore(path.join(work, 'not-yet'));
    expect(await none.list()).toEqual([]);
    await expect(none.read('0123456789abcdef')).rejects.toSatisfy((e: unknown) => e instanceof OnboardError && e.code === 'REGISTRATION_MESSAGE_NOT_FOUND');
    expect(readdirSync(work)).not.toContain('not-yet');
  });

  it('does not lose messages delivered concurrently by several writers', async () => {
    const store = new MailboxStore(dir);
    const before = (await mailbox.list()).length;
    await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => store.deliver(Buffer.from(message(`direct ${i}`, 'x')), { from: 'a@b.c', to: ['r@example.org'] })),
      ...Array.from({ length: 5 }, (_, i) => sendSmtp({ port: mailbox.smtpPort, from: 'a@b.c', to: ['r@example.org'], message: message(`smtp ${i}`, 'x') })),
    ]);
    expect((await mailbox.list()).length).toBe(before + 10);
  });
});
