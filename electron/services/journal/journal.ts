import { promises as fsp } from 'node:fs';
import path from 'node:path';
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
  private cache: JournalData | undefined;
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

  async read(): Promise<JournalData> {
    if (this.cache) return this.cache;
    let raw: string;
    try {
      raw = await fsp.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return (this.cache = journalSchema.parse({ version: 1 }));
      throw new OnboardError('IO_ERROR', { action: 'read', path: this.file, detail: (e as Error).message });
    }
    const parsed = journalSchema.safeParse(safeJson(raw));
    if (!parsed.success) {
      // Never lose it: keep the unreadable journal aside and start a fresh one.
      await fsp.rename(this.file, `${this.file}.unreadable-${Date.now()}`).catch(() => {});
      return (this.cache = journalSchema.parse({ version: 1 }));
    }
    return (this.cache = parsed.data);
  }

  /** Applies a change and writes the journal atomically; changes are serialised. */
  update(change: (j: JournalData) => JournalData | void): Promise<JournalData> {
    const run = this.queue.then(async () => {
      const current = structuredClone(await this.read());
      const next = change(current) ?? current;
      if (next.history.length > MAX_HISTORY) next.history = next.history.slice(-MAX_HISTORY);
      await ensureDir(path.dirname(this.file), 0o700);
      await writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
      this.cache = next;
      this.onChange(this.now().toISOString());
      return next;
    });
    this.queue = run.catch(() => {});
    return run;
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
