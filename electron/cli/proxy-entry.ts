// A lean entry for the proxy commands: bundled on its own as one CommonJS file
// (out/cli/proxy-entry.cjs, see build/scripts/bundle-cli.mjs), so `osg-onboard proxy init` reaches
// its key generation after one synchronous read instead of a dozen module loads, and loads no other
// command's code. The launcher tries it
// first when argv starts with `proxy` or `pusp`; what it does not know goes to the full CLI.
import { proxyCommands } from './commands/proxy-commands';
import type { CliIo } from './io';
import { runCommand } from './run-command';

/** The exit code, or undefined when argv is not a proxy command (the caller runs the full CLI). */
export async function main(argv: readonly string[], io: Omit<CliIo, 'argv'>): Promise<number | undefined> {
  const cmd = proxyCommands.find((c) => c.words.every((w, i) => argv[i] === w));
  return cmd ? runCommand(cmd, argv.slice(cmd.words.length), io) : undefined;
}
