import { OnboardError } from '../../shared/errors';
import { reportError, type CliCommand, type CliIo } from './io';

/**
 * `io` with the command's own argv. Property descriptors are copied, not values: the launcher
 * passes the process streams as getters, and a command that never prints or reads (proxy init -q)
 * then never creates them.
 */
export function withArgv(io: Omit<CliIo, 'argv'>, argv: readonly string[]): CliIo {
  return Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(io), argv: { value: argv, enumerable: true } }) as CliIo;
}

/** Runs one command with the words that chose it already taken off argv: `--help`, then the command. */
export async function runCommand(cmd: CliCommand, rest: readonly string[], io: Omit<CliIo, 'argv'>): Promise<number> {
  const cio = withArgv(io, rest);
  if (rest.includes('--help') || rest.includes('-h')) {
    cio.stdout.write(`${cmd.usage}\n  ${cmd.summary}\n`);
    return 0;
  }
  const run = await cmd.load();
  try {
    return await run(cio);
  } catch (e) {
    // parseArgs errors (unknown option, missing value) are input errors.
    const err = e as { code?: string; message?: string };
    if (typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS')) {
      return reportError(cio, new OnboardError('USAGE', { detail: err.message ?? 'unknown option', usage: cmd.usage }), rest.includes('--json'));
    }
    return reportError(cio, e, rest.includes('--json'));
  }
}
