import { createInterface } from 'node:readline';
import { OnboardError, isOnboardError, toWireError } from '../../shared/errors';

/** What a command gets: its own argv (after the command words) and the process streams. */
export interface CliIo {
  readonly argv: readonly string[];
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

export type CommandRun = (io: CliIo) => Promise<number>;

export interface CliCommand {
  /** Command words, e.g. `['vo', 'list']`. */
  readonly words: readonly string[];
  readonly summary: string;
  readonly usage: string;
  /** Loaded only when the command runs, so start-up stays lean. */
  readonly load: () => Promise<CommandRun>;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints a typed error (message + hint; JSON with --json) and returns the exit code. */
export function reportError(io: CliIo, e: unknown, json: boolean): number {
  const wire = toWireError(e);
  if (json) io.stdout.write(JSON.stringify({ error: wire }, null, 2) + '\n');
  else io.stderr.write(`osg-onboard: ${wire.message}\n  ${wire.hint}\n`);
  if (!isOnboardError(e) && io.env.OSG_ONBOARD_DEBUG) io.stderr.write(String((e as Error)?.stack ?? e) + '\n');
  return wire.code === 'INVALID_INPUT' || wire.code === 'USAGE' || wire.code === 'UNKNOWN_COMMAND' ? 2 : 1;
}

/**
 * Reads a password the way grid tools do: the first line of stdin with `--pwstdin`,
 * otherwise a prompt on the terminal with echo off. Never from an argument.
 */
export async function readPassword(io: CliIo, prompt: string, fromStdin: boolean): Promise<string> {
  if (fromStdin) return readFirstLine(io.stdin);
  if (!io.stdin.isTTY) {
    throw new OnboardError('INVALID_INPUT', { field: 'password', detail: 'no terminal to ask on; pass it on standard input with --pwstdin' });
  }
  const stdin = io.stdin as NodeJS.ReadStream;
  io.stderr.write(prompt);
  stdin.setRawMode?.(true);
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          io.stderr.write('\n');
          return resolve(buf);
        }
        if (ch === '\u0003') {
          cleanup();
          return reject(new OnboardError('CANCELLED'));
        }
        if (ch === '\u007f') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    const cleanup = () => {
      stdin.setRawMode?.(false);
      stdin.off('data', onData);
      stdin.pause();
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

const firstLines = new WeakMap<object, AsyncIterator<string>>();

/** Successive calls read successive lines (e.g. password, then its confirmation). */
export async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let it = firstLines.get(stream);
  if (!it) {
    it = createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
    firstLines.set(stream, it);
  }
  const next = await it.next();
  if (next.done) throw new OnboardError('INVALID_INPUT', { field: 'password', detail: 'standard input ended before a password was read' });
  return next.value;
}
