import { parseArgs } from 'node:util';
import { createServices } from '../../services';
import { printJson, reportError, type CliIo } from '../io';

export async function voList(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { json: { type: 'boolean' }, search: { type: 'string' }, 'vo-directory': { type: 'string' } },
    allowPositionals: false,
  });
  const json = values.json ?? false;
  try {
    const services = createServices({ shell: 'cli', voDirectoryFile: values['vo-directory'] ?? io.env.OSG_ONBOARD_VO_DIRECTORY });
    const vos = await services.vo.list(values.search);
    if (json) {
      printJson(io, vos);
      return 0;
    }
    const width = Math.max(4, ...vos.map((v) => v.name.length));
    io.stdout.write(`${'NAME'.padEnd(width)}  REGISTRATION  DESCRIPTION\n`);
    for (const v of vos) {
      const desc = v.displayName + (v.sandbox ? ' (sandbox)' : v.custom ? ' (custom)' : '');
      io.stdout.write(`${v.name.padEnd(width)}  ${v.registration.kind.padEnd(12)}  ${desc}\n`);
    }
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  }
}
