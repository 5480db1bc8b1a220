import { commands } from './commands';
import { APP_VERSION } from '../services/version';
import { reportError, type CliIo } from './io';
import { runCommand, withArgv } from './run-command';
import { OnboardError } from '../../shared/errors';

function help(): string {
  const lines = commands.map((c) => `  ${c.usage}\n      ${c.summary}`);
  return [
    `osg-onboard ${APP_VERSION} — from nothing to a working grid credential`,
    '',
    'Usage: osg-onboard <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options: --help, --version. Passwords are never taken as arguments: use --pwstdin or the prompt.',
    'Environment: OSG_ONBOARD_ENV=production to leave the sandbox; OSG_ONBOARD_DATA=<dir> for the data folder.',
  ].join('\n');
}

/** Finds the longest command whose words start argv. */
export function findCommand(argv: readonly string[]) {
  let best: (typeof commands)[number] | undefined;
  for (const c of commands) {
    if (c.words.every((w, i) => argv[i] === w) && (!best || c.words.length > best.words.length)) best = c;
  }
  return best;
}

export async function main(argv: readonly string[], io: Omit<CliIo, 'argv'>): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(help() + '\n');
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    io.stdout.write(`osg-onboard ${APP_VERSION}\n`);
    return 0;
  }
  const cmd = findCommand(argv);
  if (!cmd) {
    const json = argv.includes('--json');
    return reportError(withArgv(io, argv), new OnboardError('UNKNOWN_COMMAND', { command: argv.filter((a) => !a.startsWith('-')).slice(0, 3).join(' ') }), json);
  }
  return runCommand(cmd, argv.slice(cmd.words.length), io);
}

const isEntry = (() => {
  try {
    return process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
  } catch {
    return false;
  }
})();

if (isEntry || process.env.OSG_ONBOARD_CLI_ENTRY === '1') {
  main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
  );
}
