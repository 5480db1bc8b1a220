/**
 * The error log (`<data>/errors.jsonl`, 0600): every error the dispatcher returns to a caller,
 * with its stack, so the help desk sees what the window only showed as a message and a hint
 * (STYLE: "the UI never shows a stack trace; the support bundle keeps it"). Never the
 * procedure's input: it may hold passwords. Bounded: the last MAX_ENTRIES entries, and never
 * more than MAX_BYTES (older entries go first). Every write is atomic, under a lock shared with
 * other processes (the CLI and the app may fail at the same moment).
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { ensureDir, writeFileAtomic } from '../fs/atomic';
import { stripPrivateKeyBlocks } from '../../../shared/private-key-blocks';
import { isSecretKey, REDACTED } from './redact';
import type { WireError } from '../../../shared/errors';

export const ERROR_LOG_FILE = 'errors.jsonl';
export const MAX_ENTRIES = 200;
export const MAX_BYTES = 256 * 1024;
const MAX_STACK = 8 * 1024;
const MAX_TEXT = 2 * 1024;

export const errorLogEntrySchema = z.object({
  at: z.string(),
  procedure: z.string(),
  code: z.string(),
  message: z.string(),
  hint: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  stack: z.string().optional(),
  shell: z.string().optional(),
});
export type ErrorLogEntry = z.infer<typeof errorLogEntrySchema>;

/** What the dispatcher hands over: the procedure's name, the error it returns, and what was thrown. */
export type { DispatchErrorHook } from '../dispatch';
import type { DispatchErrorHook } from '../dispatch';

function clip(s: string, max: number): string {
  const t = stripPrivateKeyBlocks(s).text;
  return t.length > max ? `${t.slice(0, max)}…[${t.length - max} more characters]` : t;
}

/** The stack of what was thrown, with its causes (each bounded). */
export function stackOf(thrown: unknown): string | undefined {
  const parts: string[] = [];
  let e: unknown = thrown;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    parts.push(depth === 0 ? String(e.stack ?? e.message) : `Caused by: ${String(e.stack ?? e.message)}`);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.length ? clip(parts.join('\n'), MAX_STACK) : undefined;
}

export class ErrorLog {
  readonly file: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly now: () => Date = () => new Date(),
    private readonly shell?: string,
  ) {
    this.file = path.join(dataDir, ERROR_LOG_FILE);
  }

  /** The entries, oldest first; lines that are not entries are skipped. */
  async read(): Promise<ErrorLogEntry[]> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    const out: ErrorLogEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = errorLogEntrySchema.safeParse(JSON.parse(line));
        if (parsed.success) out.push(parsed.data);
      } catch {
        // a torn or foreign line: skipped
      }
    }
    return out;
  }

  /** Appends one entry; keeps the file bounded. */
  append(entry: ErrorLogEntry): Promise<void> {
    const run = this.queue.then(async () => {
      await ensureDir(path.dirname(this.file), 0o700);
      const release = await lockfile.lock(this.file, {
        realpath: false,
        stale: 10_000,
        retries: { retries: 20, factor: 1.3, minTimeout: 10, maxTimeout: 200 }, // bounded: about 3 s
      });
      try {
        const lines = (await this.read()).map((e) => JSON.stringify(e));
        lines.push(JSON.stringify(entry));
        let kept = lines.slice(-MAX_ENTRIES);
        let size = kept.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
        while (size > MAX_BYTES && kept.length > 1) {
          size -= Buffer.byteLength(kept[0]) + 1;
          kept = kept.slice(1);
        }
        await writeFileAtomic(this.file, kept.join('\n') + '\n', { mode: 0o600, existing: 'replace' });
      } finally {
        await release().catch(() => {});
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** An entry from what the dispatcher returned; the input is not among the arguments on purpose. */
  entryFor(procedure: string, error: WireError, thrown: unknown): ErrorLogEntry {
    const details = error.details
      ? Object.fromEntries(
          Object.entries(error.details)
            .filter((kv): kv is [string, string | number | boolean] => kv[1] !== undefined)
            // A detail named like a secret is not kept even here (0600, on this computer).
            .map(([k, v]) => [k, isSecretKey(k) && typeof v === 'string' ? REDACTED : typeof v === 'string' ? clip(v, MAX_TEXT) : v]),
        )
      : undefined;
    return {
      at: this.now().toISOString(),
      procedure: procedure.slice(0, 80),
      code: error.code,
      message: clip(error.message, MAX_TEXT),
      hint: clip(error.hint, MAX_TEXT),
      details,
      stack: stackOf(thrown),
      shell: this.shell,
    };
  }

  /** The dispatcher's hook: records and never fails the call (a full disk must not hide the real error). */
  readonly hook: DispatchErrorHook = async (procedure, error, thrown) => {
    try {
      await this.append(this.entryFor(procedure, error, thrown));
    } catch {
      // the error itself still reaches the caller
    }
  };
}
