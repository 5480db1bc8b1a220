import { promises as fsp, watchFile, unwatchFile, type Stats } from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { writeFileAtomic, ensureDir } from '../fs/atomic';
import { voEntrySchema } from '../../../shared/vo';
import { OnboardError } from '../../../shared/errors';
import type { StepId } from '../../../shared/steps';
import type { StepStatus } from '../../../shared/contract/app';

/**
 * The wizard journal: what the user chose and did, kept in the data folder so the wizard
 * resumes after a restart, and so help-desk can replay a user's steps. Each capability keeps
 * its own section; sections it does not know are preserved untouched.
 *
 * The app and the CLI (help-desk, scripts) may write it at the same moment: every update holds
 * a lock (`journal.json.lock`, stale after 10 s, so a killed writer does not block the next) and
 * re-reads the file under it, so no process writes over another's change. Reads reuse the last
 * copy only while the file on disk is the same one (inode, size, mtime).
 */
export const journalSchema = z
  .object({
    version: z.literal(1),
    vo: z.object({ name: z.string(), chosenAt: z.string() }).optional(),
    customVos: z.array(voEntrySchema).default([]),
    /** Where each wizard step stands, so the stepper shows it after a restart. */
    steps: z
      .record(z.string(), z.object({ status: z.enum(['done', 'in-progress', 'failed']), at: z.string(), summary: z.string().optional() }))
      .default({}),
    history: z
      .array(z.object({ at: z.string(), step: z.string(), event: z.string(), detail: z.string().optional() }))
      .default([]),
  })
  .passthrough();
export type JournalData = z.infer<typeof journalSchema>;

const MAX_HISTORY = 500;

export class Journal {
  private readonly file: string;
  private cache: { data: JournalData; stamp: string } | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly now: () => Date = () => new Date(),
    private readonly onChange: (at: string) => void = () => {},
  ) {
    this.file = path.join(dataDir, 'journal.json');
  }

  get path(): string {
    return this.file;
  }

  /** Identifies the file on disk now: an atomic write (rename) always changes it. */
  private async stamp(): Promise<string | undefined> {
    try {
      const st = await fsp.stat(this.file, { bigint: true });
      return `${st.ino}:${st.size}:${st.mtimeNs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new OnboardError('IO_ERROR', { action: 'read', path: this.file, detail: (e as Error).message });
    }
  }

  async read(): Promise<JournalData> {
    const stamp = await this.stamp();
    if (stamp === undefined) return journalSchema.parse({ version: 1 });
    if (this.cache?.stamp === stamp) return this.cache.data;
    let raw: string;
    try {
      raw = await fsp.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return journalSchema.parse({ version: 1 });
      throw new OnboardError('IO_ERROR', { action: 'read', path: this.file, detail: (e as Error).message });
    }
    const parsed = journalSchema.safeParse(safeJson(raw));
    if (!parsed.success) {
      // Never lose it: keep the unreadable journal aside and start a fresh one.
      await fsp.rename(this.file, `${this.file}.unreadable-${Date.now()}`).catch(() => {});
      return journalSchema.parse({ version: 1 });
    }
    this.cache = { data: parsed.data, stamp };
    return parsed.data;
  }

  /**
   * Applies a change and writes the journal atomically. Changes are serialised within this
   * process and, through the lock, with every other process writing the same journal.
   */
  update(change: (j: JournalData) => JournalData | void): Promise<JournalData> {
    const run = this.queue.then(async () => {
      await ensureDir(path.dirname(this.file), 0o700);
      const release = await this.lock();
      try {
        const current = structuredClone(await this.read());
        const next = change(current) ?? current;
        if (next.history.length > MAX_HISTORY) next.history = next.history.slice(-MAX_HISTORY);
        await writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
        const stamp = await this.stamp();
        this.cache = stamp === undefined ? undefined : { data: next, stamp };
        this.onChange(this.now().toISOString());
        return next;
      } finally {
        await release().catch(() => {});
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Tells `onChange` when another process (the CLI, a second window) changed the journal, so
   * the wizard refreshes. Polls the file's stat (works before the file exists, on every file
   * system); this process's own writes are not reported twice. Returns the stop function.
   */
  watchOthers(intervalMs = 1000): () => void {
    const listener = (cur: Stats) => {
      if (cur.ino === 0) return; // gone or not made yet
      void this.stamp().then((stamp) => {
        if (stamp !== undefined && stamp !== this.cache?.stamp) this.onChange(this.now().toISOString());
      }, () => {});
    };
    watchFile(this.file, { interval: intervalMs, persistent: false }, listener);
    return () => unwatchFile(this.file, listener);
  }

  private async lock(): Promise<() => Promise<void>> {
    try {
      return await lockfile.lock(this.file, {
        realpath: false, // the journal may not exist yet
        stale: 10_000,
        update: 2_000,
        retries: { retries: 100, factor: 1.2, minTimeout: 10, maxTimeout: 250 }, // bounded: about 20 s
      });
    } catch (e) {
      throw new OnboardError('IO_ERROR', {
        action: 'lock',
        path: this.file,
        detail: `another OSG Onboard process keeps the journal busy (${(e as Error).message}); close it and try again`,
      });
    }
  }

  record(j: JournalData, step: string, event: string, detail?: string): void {
    j.history.push({ at: this.now().toISOString(), step, event, detail });
  }

  /** Marks a wizard step's status (and records it in the history). */
  setStep(j: JournalData, step: StepId, status: StepStatus['status'], summary?: string): void {
    j.steps[step] = { status, at: this.now().toISOString(), summary };
    this.record(j, step, status, summary);
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
