import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServices, defaultDataDir } from '../../services';
import { ErrorLog, SupportService, freshReplayDir, prepareReplay, readBundle, type PreparedReplay } from '../../services/support';

type PreparedReplayView = Pick<PreparedReplay, 'dataDir' | 'homeDir'>;
import { OnboardError } from '../../../shared/errors';
import { printJson, reportError, type CliIo } from '../io';

/** `osg-onboard support bundle [--out FILE] [--json]`: the same redacted bundle as “Get help”. */
export async function supportBundle(io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...io.argv],
    options: { out: { type: 'string' }, folder: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: false,
  });
  const json = values.json ?? false;
  const services = createServices({ shell: 'cli', dataDir: values.data ? path.resolve(values.data) : undefined });
  try {
    const { context, journal, vo } = services;
    const support = new SupportService({
      ...context,
      journal,
      errorLog: new ErrorLog(context.dataDir, context.now, context.shell),
      currentVo: () => vo.current(),
      folderPicker: false,
    });
    const saved = values.out ? await support.saveFile(values.out) : await support.save({ folder: values.folder });
    if (json) printJson(io, saved);
    else {
      io.stdout.write(`Support bundle saved: ${saved.path}\n  ${saved.size} bytes, SHA-256 ${saved.sha256}\n`);
      io.stdout.write(saved.redactions.length ? '  Redacted:\n' : '  Nothing needed redacting.\n');
      for (const r of saved.redactions) io.stdout.write(`    ${r.count} × ${r.description}\n`);
      io.stdout.write('Read it before you send it; it is plain JSON.\n');
    }
    return 0;
  } catch (e) {
    return reportError(io, e, json);
  } finally {
    await services.dispose();
  }
}

/** out/bridge/index.mjs of this installation (from the sources or from the bundle). */
function findBridge(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'out', 'bridge', 'index.mjs');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return null;
}

/** The environment of the replay's browser mode: its own data folder and HOME, the sandbox, no grid variables of the help-desk person. */
export function replayEnv(base: NodeJS.ProcessEnv, r: PreparedReplayView, port?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, OSG_ONBOARD_DATA: r.dataDir, HOME: r.homeDir, XDG_DATA_HOME: path.join(r.homeDir, '.local', 'share'), OSG_ONBOARD_ENV: 'sandbox' };
  for (const k of ['X509_USER_PROXY', 'X509_USER_CERT', 'X509_USER_KEY', 'X509_CERT_DIR', 'X509_VOMS_DIR', 'VOMS_USERCONF']) delete env[k];
  if (port) env.OSG_ONBOARD_PORT = port;
  return env;
}

/**
 * `osg-onboard support replay BUNDLE [--data DIR] [--no-serve]`: a fresh sandbox data folder
 * seeded from the user's bundle, then browser mode on it (the window shows the replay banner).
 */
export async function supportReplay(io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...io.argv],
    options: { data: { type: 'string' }, 'no-serve': { type: 'boolean' }, port: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
  });
  const json = values.json ?? false;
  try {
    if (positionals.length !== 1) {
      throw new OnboardError('USAGE', { detail: 'give exactly one support bundle file', usage: 'osg-onboard support replay BUNDLE [--data DIR] [--no-serve] [--port P] [--json]' });
    }
    const bundleFile = path.resolve(positionals[0]);
    const parsed = await readBundle(bundleFile);
    const dataDir = await freshReplayDir(values.data, defaultDataDir(io.env));
    const prepared = await prepareReplay({ bundleFile, parsed, dataDir });
    const view: PreparedReplayView = { dataDir: prepared.dataDir, homeDir: prepared.homeDir };
    const webLine = `OSG_ONBOARD_DATA='${view.dataDir}' HOME='${view.homeDir}' OSG_ONBOARD_ENV=sandbox npm run web`;
    const steps = Object.entries(parsed.bundle.journey.steps).map(([id, s]) => `${id}=${(s as { status?: string }).status ?? '?'}`);
    if (json) printJson(io, { ...prepared, serve: !values['no-serve'], webLine });
    else {
      io.stdout.write(`Replay of ${prepared.marker.bundleFile} (OSG Onboard ${prepared.marker.userAppVersion}, ${prepared.marker.userEnvironment}) — sandbox\n`);
      io.stdout.write(`  Replay data folder: ${view.dataDir}\n  Sandbox home: ${view.homeDir}\n`);
      io.stdout.write(`  VO: ${parsed.bundle.journey.vo?.name ?? '(none)'}; steps: ${steps.join(', ') || '(none)'}\n`);
      for (const i of prepared.marker.ignored) io.stdout.write(`  Not replayed: ${i}\n`);
    }
    if (values['no-serve']) {
      if (!json) io.stdout.write(`Start it with:\n  ${webLine}\n`);
      return 0;
    }
    const bridge = findBridge();
    if (!bridge) {
      io.stderr.write(`osg-onboard: the app is not built here (out/bridge is missing): run \`npm run build\`, then:\n  ${webLine}\n`);
      return 1;
    }
    const child = spawn(process.execPath, [bridge], { stdio: 'inherit', env: replayEnv(io.env, view, values.port) });
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return await new Promise<number>((resolve) => {
      child.on('exit', (code, signal) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        resolve(signal ? 0 : code ?? 0);
      });
    });
  } catch (e) {
    return reportError(io, e, json);
  }
}
