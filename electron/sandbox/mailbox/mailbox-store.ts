import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ensureDir, writeFileAtomic } from '../../services/fs/atomic';
import { OnboardError } from '../../../shared/errors';
import { withFileLock } from './file-lock';
import { parseMessage, type ParsedMail } from './mime';

/**
 * The sandbox mailbox on disk: every message is `<dir>/<timestamp>-<id>.eml` (the exact bytes
 * received), listed in `<dir>/index.json`. Messages are never deleted by the app; the index can
 * be rebuilt from the .eml files when it is missing or damaged.
 */

const entrySchema = z.object({
  id: z.string().regex(/^[0-9a-f]{12,32}$/),
  file: z.string().regex(/^[0-9TZ]+-[0-9a-f]+\.eml$/),
  receivedAt: z.string(),
  envelopeFrom: z.string(),
  envelopeTo: z.array(z.string()),
  from: z.string(),
  subject: z.string(),
  size: z.number().int().nonnegative(),
});
const indexSchema = z.object({ version: z.literal(1), messages: z.array(entrySchema) });

export type MailboxEntry = z.infer<typeof entrySchema>;

export interface MailSummary {
  readonly id: string;
  readonly receivedAt: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
}

export interface MailMessage extends ParsedMail {
  readonly id: string;
  readonly receivedAt: string;
}

export interface Envelope {
  readonly from: string;
  readonly to: readonly string[];
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:.]/g, '');
}

export class MailboxStore {
  private readonly indexFile: string;
  private readonly lockFile: string;

  constructor(readonly dir: string, private readonly now: () => Date = () => new Date()) {
    this.indexFile = path.join(dir, 'index.json');
    this.lockFile = path.join(dir, '.lock');
  }

  private lock<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(this.lockFile, { what: 'mailbox' }, fn);
  }

  /** Stores one message (its raw RFC 5322 bytes) and returns its id. */
  async deliver(raw: Buffer, envelope: Envelope): Promise<string> {
    await ensureDir(this.dir, 0o700);
    return this.lock(async () => {
      const index = await this.readIndex();
      const id = randomBytes(8).toString('hex');
      const receivedAt = this.now();
      const file = `${stamp(receivedAt)}-${id}.eml`;
      await writeFileAtomic(path.join(this.dir, file), raw, { mode: 0o600, existing: 'fail' });
      const parsed = parseMessage(raw);
      index.push({
        id,
        file,
        receivedAt: receivedAt.toISOString(),
        envelopeFrom: envelope.from,
        envelopeTo: [...envelope.to],
        from: parsed.from,
        subject: parsed.subject,
        size: raw.length,
      });
      await this.writeIndex(index);
      return id;
    });
  }

  private async present(): Promise<boolean> {
    return fsp.stat(this.dir).then(() => true, () => false);
  }

  /** Newest first. */
  async list(): Promise<MailSummary[]> {
    if (!(await this.present())) return [];
    const index = await this.lock(() => this.readIndex());
    return index
      .map((e) => ({ id: e.id, receivedAt: e.receivedAt, from: e.from, to: e.envelopeTo, subject: e.subject }))
      .reverse();
  }

  async read(id: string): Promise<MailMessage> {
    if (!(await this.present())) throw new OnboardError('REGISTRATION_MESSAGE_NOT_FOUND', { id });
    const index = await this.lock(() => this.readIndex());
    const entry = index.find((e) => e.id === id);
    if (!entry) throw new OnboardError('REGISTRATION_MESSAGE_NOT_FOUND', { id });
    const raw = await fsp.readFile(path.join(this.dir, entry.file));
    const parsed = parseMessage(raw);
    return { ...parsed, to: parsed.to.length ? parsed.to : entry.envelopeTo, id: entry.id, receivedAt: entry.receivedAt };
  }

  private async readIndex(): Promise<MailboxEntry[]> {
    let text: string;
    try {
      text = await fsp.readFile(this.indexFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return this.rebuild();
      throw e;
    }
    try {
      return indexSchema.parse(JSON.parse(text)).messages;
    } catch {
      // Damaged index: keep it for the help desk, rebuild from the messages themselves.
      await fsp.rename(this.indexFile, `${this.indexFile}.damaged-${stamp(this.now())}`).catch(() => {});
      return this.rebuild();
    }
  }

  private async rebuild(): Promise<MailboxEntry[]> {
    let names: string[];
    try {
      names = (await fsp.readdir(this.dir)).filter((n) => /^[0-9TZ]+-[0-9a-f]+\.eml$/.test(n)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const entries: MailboxEntry[] = [];
    for (const file of names) {
      const raw = await fsp.readFile(path.join(this.dir, file));
      const parsed = parseMessage(raw);
      const [ts, idPart] = file.replace(/\.eml$/, '').split('-');
      const iso = ts.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/, '$1-$2-$3T$4:$5:$6.$7Z');
      entries.push({
        id: idPart,
        file,
        receivedAt: iso,
        envelopeFrom: '',
        envelopeTo: [...parsed.to],
        from: parsed.from,
        subject: parsed.subject,
        size: raw.length,
      });
    }
    if (entries.length > 0) await this.writeIndex(entries);
    return entries;
  }

  private async writeIndex(messages: MailboxEntry[]): Promise<void> {
    await writeFileAtomic(this.indexFile, JSON.stringify({ version: 1, messages }, null, 2) + '\n', { mode: 0o600 });
  }
}

/** Reader API over a mailbox folder (the app's sandbox view; works whether the SMTP side runs or not). */
export function listMessages(dir: string): Promise<MailSummary[]> {
  return new MailboxStore(dir).list();
}

export function readMessage(dir: string, id: string): Promise<MailMessage> {
  return new MailboxStore(dir).read(id);
}
