import type { CliCommand } from '../io';

/**
 * Every CLI command. Each capability adds its commands in `commands/<capability>.ts` and
 * lists them here; `load` keeps a command's code (and its libraries) out of start-up.
 */
export const commands: readonly CliCommand[] = [
  {
    words: ['vo', 'list'],
    summary: 'List the Virtual Organizations in the directory',
    usage: 'osg-onboard vo list [--search TEXT] [--json]',
    load: async () => (await import('./vo')).voList,
  },
];
