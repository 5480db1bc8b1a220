import { execFile } from 'node:child_process';
import { accessSync, constants as C } from 'node:fs';
import path from 'node:path';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Bounded: a stuck program (e.g. one waiting for a terminal) is killed. */
  readonly timeoutMs?: number;
}

/** Runs a program without a shell; stdin is closed so nothing can wait on a prompt. */
export function runCommand(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      argv[0],
      argv.slice(1),
      { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024, encoding: 'buffer' },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
        let code = 0;
        if (e) code = typeof e.code === 'number' ? e.code : e.killed ? 124 : 127;
        resolve({ code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') + (e && typeof e.code === 'string' ? `${e.code}: ${e.message}` : '') });
      },
    );
    child.stdin?.end();
  });
}

/** Finds a program on PATH (as a shell would), or undefined. */
export function whichSync(program: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const p = path.join(dir, program + ext);
      try {
        accessSync(p, C.X_OK);
        return p;
      } catch {
        // keep looking
      }
    }
  }
  return undefined;
}

/** POSIX shell quoting for the "show the commands" panel. */
export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** Windows (cmd / PowerShell) quoting: double quotes when needed. */
export function windowsLine(argv: readonly string[]): string {
  return argv.map((a) => (/[\s"]/.test(a) || a === '' ? `"${a.replace(/"/g, '\\"')}"` : a)).join(' ');
}

/** First meaningful line of a program's error output, for messages. */
export function firstErrorLine(r: RunResult): string {
  const line = (r.stderr || r.stdout).split('\n').map((l) => l.trim()).find(Boolean);
  return line ? line.slice(0, 300) : `exit code ${r.code}`;
}
